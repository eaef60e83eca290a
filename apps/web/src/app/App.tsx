import { useEffect } from 'react';
import { SyncStatusBar } from '../components/SyncStatusBar.js';
import { AccountScreen } from '../screens/AccountScreen.js';
import { BudgetsScreen } from '../screens/BudgetsScreen.js';
import { CategoriesScreen } from '../screens/CategoriesScreen.js';
import { HomeScreen } from '../screens/HomeScreen.js';
import { InventoryScreen } from '../screens/InventoryScreen.js';
import { RecurringScreen } from '../screens/RecurringScreen.js';
import { ReportsScreen } from '../screens/ReportsScreen.js';
import { SettingsScreen } from '../screens/SettingsScreen.js';
import { SignInScreen } from '../screens/SignInScreen.js';
import { TransactionsScreen } from '../screens/TransactionsScreen.js';
import { EditorProvider } from './editor.js';
import { useKakeibo, useStatus } from './kakeibo.js';
import { accountIdOf, Link, type Route, type Screen as ScreenPath, useRoute } from './router.js';
import { UndoProvider, UndoSlot } from './undo.js';

const NAV: Array<{ to: ScreenPath; label: string; icon: string }> = [
  { to: '/', label: 'Home', icon: '⌂' },
  { to: '/transactions', label: 'Transactions', icon: '≡' },
  { to: '/budgets', label: 'Budgets', icon: '◔' },
  { to: '/reports', label: 'Reports', icon: '▥' },
  { to: '/settings', label: 'Settings', icon: '⚙' },
];

/** On a phone these are under Settings; on a wide screen, in the side bar too. */
const WIDE_NAV: Array<{ to: ScreenPath; label: string; icon: string }> = [
  { to: '/recurring', label: 'Recurring', icon: '↻' },
  { to: '/categories', label: 'Categories', icon: '◇' },
  { to: '/inventory', label: 'Inventory', icon: '▣' },
];

const TITLES: Record<ScreenPath, string> = {
  '/': 'Home',
  '/transactions': 'Transactions',
  '/budgets': 'Budgets',
  '/reports': 'Reports',
  '/recurring': 'Recurring',
  '/categories': 'Categories',
  '/inventory': 'Inventory',
  '/settings': 'Settings',
};

export function App() {
  const kb = useKakeibo();
  const status = useStatus();
  const route = useRoute();

  useEffect(() => {
    document.title = `${titleOf(route)} · Kakeibo`;
  }, [route]);

  if (!status.signedIn) return <SignInScreen onSignedIn={() => kb.startSync()} />;

  return (
    <UndoProvider>
      <EditorProvider>
        <div className="shell">
          <header className="topbar">
            <h1 className="topbar-title">{titleOf(route)}</h1>
            <SyncStatusBar />
          </header>
          <nav className="nav" aria-label="Main">
            <span className="nav-brand" aria-hidden="true">
              Kakeibo
            </span>
            {NAV.map((item) => (
              <Link key={item.to} to={item.to} className="nav-link" current={route === item.to}>
                <span className="nav-icon" aria-hidden="true">
                  {item.icon}
                </span>
                <span className="nav-label">{item.label}</span>
              </Link>
            ))}
            {WIDE_NAV.map((item) => (
              <Link key={item.to} to={item.to} className="nav-link nav-wide" current={route === item.to}>
                <span className="nav-icon" aria-hidden="true">
                  {item.icon}
                </span>
                <span className="nav-label">{item.label}</span>
              </Link>
            ))}
          </nav>
          <main className="content" id="content">
            <UndoSlot />
            <Screen route={route} />
          </main>
        </div>
      </EditorProvider>
    </UndoProvider>
  );
}

const titleOf = (route: Route): string => (accountIdOf(route) ? 'Account' : TITLES[route as ScreenPath]);

function Screen({ route }: { route: Route }) {
  const accountId = accountIdOf(route);
  if (accountId) return <AccountScreen accountId={accountId} />;
  switch (route as ScreenPath) {
    case '/':
      return <HomeScreen />;
    case '/transactions':
      return <TransactionsScreen />;
    case '/budgets':
      return <BudgetsScreen />;
    case '/reports':
      return <ReportsScreen />;
    case '/recurring':
      return <RecurringScreen />;
    case '/categories':
      return <CategoriesScreen />;
    case '/inventory':
      return <InventoryScreen />;
    case '/settings':
      return <SettingsScreen />;
  }
}
