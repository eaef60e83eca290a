import { useEffect } from 'react';
import { SyncStatusBar } from '../components/SyncStatusBar.js';
import { BudgetsScreen } from '../screens/BudgetsScreen.js';
import { CategoriesScreen } from '../screens/CategoriesScreen.js';
import { HomeScreen } from '../screens/HomeScreen.js';
import { InventoryScreen } from '../screens/InventoryScreen.js';
import { ReportsScreen } from '../screens/ReportsScreen.js';
import { SettingsScreen } from '../screens/SettingsScreen.js';
import { SignInScreen } from '../screens/SignInScreen.js';
import { TransactionsScreen } from '../screens/TransactionsScreen.js';
import { EditorProvider } from './editor.js';
import { useKakeibo, useStatus } from './kakeibo.js';
import { Link, type Route, useRoute } from './router.js';

const NAV: Array<{ to: Route; label: string; icon: string }> = [
  { to: '/', label: 'Home', icon: '⌂' },
  { to: '/transactions', label: 'Transactions', icon: '≡' },
  { to: '/budgets', label: 'Budgets', icon: '◔' },
  { to: '/reports', label: 'Reports', icon: '▥' },
  { to: '/settings', label: 'Settings', icon: '⚙' },
];

const TITLES: Record<Route, string> = {
  '/': 'Home',
  '/transactions': 'Transactions',
  '/budgets': 'Budgets',
  '/reports': 'Reports',
  '/categories': 'Categories',
  '/inventory': 'Inventory',
  '/settings': 'Settings',
};

export function App() {
  const kb = useKakeibo();
  const status = useStatus();
  const route = useRoute();

  useEffect(() => {
    document.title = `${TITLES[route]} · Kakeibo`;
  }, [route]);

  if (!status.signedIn) return <SignInScreen onSignedIn={() => kb.startSync()} />;

  return (
    <EditorProvider>
      <div className="shell">
        <header className="topbar">
          <h1 className="topbar-title">{TITLES[route]}</h1>
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
          <Link to="/categories" className="nav-link nav-wide" current={route === '/categories'}>
            <span className="nav-icon" aria-hidden="true">
              ◇
            </span>
            <span className="nav-label">Categories</span>
          </Link>
          <Link to="/inventory" className="nav-link nav-wide" current={route === '/inventory'}>
            <span className="nav-icon" aria-hidden="true">
              ▣
            </span>
            <span className="nav-label">Inventory</span>
          </Link>
        </nav>
        <main className="content" id="content">
          <Screen route={route} />
        </main>
      </div>
    </EditorProvider>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route) {
    case '/':
      return <HomeScreen />;
    case '/transactions':
      return <TransactionsScreen />;
    case '/budgets':
      return <BudgetsScreen />;
    case '/reports':
      return <ReportsScreen />;
    case '/categories':
      return <CategoriesScreen />;
    case '/inventory':
      return <InventoryScreen />;
    case '/settings':
      return <SettingsScreen />;
  }
}
