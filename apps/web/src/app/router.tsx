import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';

/**
 * A very small router over the History API: the app has a handful of top-level screens, so a path
 * and a switch are all it needs. The server (and, offline, the service worker) answers every page
 * path with index.html, so deep links and reloads work.
 */
export const ROUTES = [
  '/',
  '/transactions',
  '/budgets',
  '/reports',
  '/recurring',
  '/categories',
  '/inventory',
  '/settings',
] as const;
export type Screen = (typeof ROUTES)[number];
/** A screen, or one account's page (`/accounts/<its id>`). */
export type Route = Screen | `/accounts/${string}`;

const EVENT = 'kakeibo:navigate';
const ACCOUNT_PATH = /^\/accounts\/([0-9a-f-]{36})$/;

export const accountPath = (id: string): Route => `/accounts/${id}`;

/** The account id of an account's page, or null for any other route. */
export function accountIdOf(route: Route): string | null {
  return ACCOUNT_PATH.exec(route)?.[1] ?? null;
}

export function currentRoute(): Route {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  if (ACCOUNT_PATH.test(path)) return path as Route;
  return (ROUTES as readonly string[]).includes(path) ? (path as Route) : '/';
}

export function navigate(to: Route): void {
  if (location.pathname === to) return;
  history.pushState(null, '', to);
  window.dispatchEvent(new Event(EVENT));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return route;
}

export function Link({
  to,
  children,
  className,
  current,
}: {
  to: Route;
  children: ReactNode;
  className?: string;
  current?: boolean;
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} className={className} aria-current={current ? 'page' : undefined} onClick={onClick}>
      {children}
    </a>
  );
}
