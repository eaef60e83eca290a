/**
 * The most common passwords people actually choose that are at least 8 characters long (shorter ones
 * are already refused by the length rule), all lower-case.
 *
 * Source: the high-frequency head of public breach-frequency lists — the NCSC "100k most used
 * passwords" (Have I Been Pwned), the RockYou and LinkedIn corpora as summarised in SecLists
 * (`Passwords/Common-Credentials`) and the yearly "worst passwords" reports — filtered to 8+ characters,
 * plus the keyboard walks, "Season+Year" and word+digits variants those lists are full of.
 *
 * Why a bundled list rather than an online breach check (e.g. the HIBP range API): a self-hosted server
 * must work offline and must not tell a third party anything about its users' passwords at run time, so
 * the list ships with the code. It is deliberately short: the policy also strips trailing digits and
 * punctuation, undoes simple leetspeak and refuses trivial runs, which covers most of the long tail.
 *
 * OWASP ASVS 5 (V6.2) asks for exactly this — reject the most common passwords — and forbids
 * composition rules, so there are none.
 */

/** Entries grouped by kind; whitespace separates entries (none contains a space). */
const GROUPS: readonly string[] = [
  // Digits.
  `12345678 123456789 1234567890 12345678910 123456789a 1234567899 0123456789 01234567 11111111
  111111111 1111111111 00000000 000000000 0000000000 22222222 33333333 44444444 55555555 66666666
  77777777 88888888 99999999 12121212 11223344 11112222 12344321 12341234 123123123 123321123 12301230
  87654321 98765432 987654321 9876543210 11235813 31415926 147258369 123654789 741852963 963852741
  159753159 12312312 1234512345 1122334455 5201314520 52013145 147852369 123698745 20102010 20202020
  19841984 19901990 12345600 10203040`,
  // Keyboard patterns.
  `qwertyuiop qwertyui qwertyuio qwerty12 qwerty123 qwerty1234 qwerty12345 qwerty123456 qwerty11
  qwerty01 qwerty78 qwerty69 qwertyqwerty qwerty123! qwerty1! asdfghjk asdfghjkl asdfasdf asdf1234
  asdfjkl; zxcvbnm1 zxcvbnm123 zxcvbnmm zxcvasdf qazwsxedc qazwsxedcrfv qazxswedc qweasdzxc qwe123qwe
  qweqweqwe qwe12345 qweasd123 123qweasd 123qweasdzxc 1qaz2wsx 1qaz2wsx3edc 1qazxsw2 zaq12wsx zaq1zaq1
  zaq1xsw2 !qaz2wsx 1qaz!qaz 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y q1w2e3r4 q1w2e3r4t5 q1w2e3r4t5y6
  1qw23er4 qwer1234 1234qwer 1234asdf 1234abcd abcd1234 abc12345 abc123456 abcd12345 abcdefg1 abcdefgh
  abcdefghi abcdefghij a1b2c3d4 a1s2d3f4 a1234567 a12345678 aa123456 aaaaaaaa azertyuiop azerty123
  azerty12 qwertzuiop 1234qwerasdf poiuytrewq mnbvcxz1 lkjhgfdsa qwerasdf asdf;lkj`,
  // Password variants.
  `password password1 password12 password123 password1234 password12345 password123456 password!
  password1! password123! password01 password11 password13 password22 password69 password99 password2
  password3 password7 passw0rd passw0rd1 p@ssw0rd p@ssword p@ssword1 p@ssw0rd1 p@55w0rd pa55word
  pa55w0rd passwort passwort1 passwords password. passpass mypassword newpassword thepassword
  secretpassword password2019 password2020 password2021 password2022 password2023 password2024
  password2025 mot2passe motdepasse contrasena contraseña senha123 parola123 hasło123 wachtwoord
  salasana lösenord passord1`,
  // Words, phrases.
  `iloveyou iloveyou1 iloveyou2 iloveyou! iloveyou123 iloveyou12 iloveu123 ilovehim iloveher ilovemymom
  ilovemyself ilovegod1 ilovejesus iloveme1 loveyou1 loveyou2 lovelove loveme123 lovelife lovely123
  lover123 mylove123 truelove babygirl babygirl1 babyboy1`,
  // Sports and teams.
  `football football1 football123 baseball baseball1 basketball basketball1 softball hockey12
  volleyball soccer123 soccer12 sunshine sunshine1 princess princess1 princess12 trustno1 trustnoone
  letmein1 letmein123 letmeinnow welcome1 welcome12 welcome123 welcome2 welcome! welcome01 welcome2020
  welcome2021 welcome2022 welcome2023 welcome2024`,
  // Pop culture, tech and everyday words.
  `whatever whatever1 starwars starwars1 superman superman1 superman123 batman123 spiderman spiderman1
  computer computer1 internet internet1 monkey123 monkey12 dragon123 dragon12 dragonfly shadow123
  shadow12 master123 master12 mastermind`,
  // First names.
  `michael1 jennifer jennifer1 michelle michelle1 jessica1 jordan23 jordan123 charlie1 charlie123
  samantha samantha1 danielle victoria elizabeth alexander alexandra christopher christian christina
  stephanie jonathan benjamin nicholas patricia catherine caroline veronica isabella gabriela fernando
  alejandro francisco cristina guillermo sebastian valentina natasha1 andrea12 anthony1 matthew1
  joshua123 daniel123 robert123 william1 richard1 thomas123 michael123 jasmine1 chelsea1`,
  // Clubs, sweets and feelings.
  `liverpool liverpool1 arsenal1 manchester barcelona juventus chocolate chocolate1 butterfly
  butterfly1 beautiful beautiful1 sweetheart sweetie1 sunflower rainbow1 cookie123 cupcake1 pumpkin1
  peanut123 bubbles1 blessed1 blessing jesus123 jesuschrist godisgood freedom1`,
  // Profanity (very common in every breach corpus).
  `fuckyou1 fuckyou2 fuckoff1 asshole1 bullshit pussy123`,
  // Cars, months, bands, games and greetings.
  `mustang1 corvette mercedes ferrari1 porsche1 yamaha123 harley12 scorpion maverick marlboro midnight
  midnight1 november december september february qwerty123456789 aaaaaaaa1 blahblah blink182 metallica
  slipknot nirvana1 eminem123 pokemon1 pokemon123 pikachu1 naruto123 doraemon hellokitty hello123
  hello1234 helloworld hello12345 goodluck goodbye1 iamthebest imthebest thebest1 lovemyself nothing1
  anything something everything whatever! forever1 forever21 friends1 bestfriend family123 myfamily`,
  // Defaults, admin and test passwords.
  `changeme changeme1 changeme123 default1 temp1234 temppass test1234 test12345 test123456 testtest
  testing1 testing123 test@123 admin123 admin1234 admin12345 administrator adminadmin root1234
  rootroot user1234 guest123 login123 access14 access123 secret123 secret12 letmein! opensesame
  abcdefg123 abc123abc 123abc123 123456abc 123456qwerty 1234567a 123456789q 12345qwert 12345abc
  12345678a 123456aa 1234567q q1234567 q12345678 zaq123456`,
  // More digit and keyboard mixes.
  `1password 1iloveyou 1princess 1football 1qaz1qaz 2wsx3edc 5555555555 7777777777 6666666666
  123456654321 12344321a iloveyou3`,
  // Seasons and years (the "Season+Year" corporate favourite).
  `summer2019 summer2020 summer2021 summer2022 summer2023 summer2024 summer2025 summer123 winter2020
  winter2021 winter2022 winter2023 winter2024 winter123 spring2021 spring2022 spring2023 spring2024
  autumn2022 autumn2023 autumn2024 january1 monday123 sunday123 football2020 qwerty2020 qwerty2021
  qwerty2023 qwerty2024 abcd2024 love2020 iloveyou2020`,
  // Workplace and site-themed.
  `company123 company1 welcome@123 pass1234 pass12345 pass123456 pass@123 pass@word1 passcode mypass123
  secure123 security security1 123password lovelove1`,
  // Places.
  `pakistan pakistan123 bangladesh indonesia australia singapore malaysia philippines argentina
  colombia portugal deutschland hannover hamburg1 berlin123 newyork1 california chicago1 jakarta1
  manila123 tokyo123`,
  // Japanese (romaji) favourites.
  `nihongo1 sakura123 arigatou ohayou123 konnichiwa anpanman hiroshi1 ultraman gundam00`,
  // Sports clubs, players and games.
  `tottenham westham1 everton1 chelsea123 celtic1888 rangers1 dallas123 cowboys1 steelers yankees1
  redskins dolphins panthers lakers24 chicagobulls kobebryant michaeljordan lebronjames ronaldo7
  cristiano playstation nintendo minecraft minecraft1 fortnite roblox123 gaming123 starcraft warcraft
  pokemongo counterstrike zelda123 mario123`,
  // Pop culture and other languages.
  `superstar rockstar rockstar1 sexygirl sexy1234 princesa teamo123 tequiero mariposa corazon1 estrella
  mimamamemima bonjour1 soleil123 loulou12 doudou12 chouchou schatz123 hallo123 schalke04 fussball
  ciao1234 amore123 juventus1 napoli123`,
  // Keyboard rows with punctuation.
  `qwerty09 zxcvbnm, 1234567890q 0987654321 09876543 qwertyuiop[] asdfghjkl; zxcvbnm,./ 1qazxcvbnm
  1234567890-= !@#$%^&* !@#$%^&*() 1q2w3e4r! p@ssw0rd! abcd@1234 admin@123`,
  // Faith and feelings.
  `india123 india@123 krishna123 ganesh123 sairam123 omsairam jaishriram hanuman123 bismillah
  alhamdulillah mohammed muhammad allahuakbar shalom123 hallelujah peaceout peace123 happiness
  happy123 happy1234 smile123 smiley12 sunshine12 moonlight starlight lucky123 lucky777 angel123
  angelina angels12 devil666`,
  // Animals, colours, food and nature.
  `killer123 hunter123 hunter12 ranger12 tigger12 tigger123 buster123 ginger12 maggie12 snoopy12
  garfield scooby12 scoobydoo doglover catlover kittycat puppylove flower123 flowers1 cherry12
  banana12 strawberry pineapple apple123 orange12 watermelon coffee12 chicken1 cheese12 pizza123
  hamburger spongebob spongebob1 bubblegum chelsea12`,
  // More names.
  `charlotte jackson1 madison1 austin12 brandon1 justin12 taylor12 ashley12 hannah12 amanda12 melissa1
  nicole12 sarah123 emily123 lauren12 rebecca1 heather1 kimberly courtney brittany mitchell chris123
  david123 james123 johnny12 john1234 mike1234 kevin123 jason123 eric1234 peter123 steven12 george12
  edward12 andrew12 joseph12`,
  // Long digit and keyboard variants.
  `123456789abc 1234567891 12345678900 123456789123 12345678912 1234567812345678 iloveyou4
  passwordpassword qwertyuiopasdfghjkl`,
  // More words with digits.
  `computer123 internet123 changeit letmein12 access12 trustme1 mustang123 jordan12 yellow12 purple12
  orange123 silver12 golden12 diamond1 diamonds crystal1 phoenix1 falcon12 eagles12 tigers12 lions123
  wolfpack thunder1 lightning hurricane tornado1 blizzard avalanche snowball snowflake firebird
  fireball icecream icecream1 zxcv1234 1234zxcv asdf123456 zxcv123456`,
];

/** Every entry once, in source order (exported so a test can prove there are no duplicates). */
export const COMMON_PASSWORD_LIST: readonly string[] = Object.freeze(
  GROUPS.join(' ')
    .split(/\s+/u)
    .filter((entry) => entry.length > 0)
    .map((entry) => entry.normalize('NFC')),
);

/**
 * Short (under 8 characters) passwords that top every breach list. They cannot be a password on their
 * own here, but they are the usual stem of a padded one ("monkey12", "dragon!!", "letmein2024"), so the
 * policy refuses them once trailing digits and punctuation are stripped.
 */
export const COMMON_SHORT_STEMS: ReadonlySet<string> = freezeSet(
  `123456 1234567 12345 1234 qwerty qwert abc123 abcdef abcdefg 123abc 111111 000000 123123 654321
  666666 696969 121212 112233 monkey dragon shadow master letmein welcome login admin root guest
  secret lovely love iloveu loveme hello freedom sunny flower summer winter spring autumn tigger
  jordan hunter ranger buster soccer hockey killer george charlie andrew michael thomas daniel
  jessica ashley pepper ginger maggie cookie cheese banana orange purple yellow silver golden
  batman pokemon naruto azerty qwertz asdf asdfgh zxcvbn zxcvbnm qazwsx 1qaz2w pass passwd pa55
  test test123 admin1 user access trustme mustang ferrari matrix 123qwe qwe123 a12345 abc`
    .split(/\s+/u)
    .filter((entry) => entry.length > 0),
);

/** The common-password set, frozen: `add`, `delete` and `clear` throw. */
export const COMMON_PASSWORDS: ReadonlySet<string> = freezeSet(COMMON_PASSWORD_LIST);

function freezeSet(entries: Iterable<string>): ReadonlySet<string> {
  const set = new Set(entries);
  const refuse = (): never => {
    throw new TypeError('The common-password list is read-only.');
  };
  Object.defineProperties(set, {
    add: { value: refuse },
    delete: { value: refuse },
    clear: { value: refuse },
  });
  return Object.freeze(set);
}
