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
  '/categories',
  '/inventory',
  '/settings',
] as const;
export type Route = (typeof ROUTES)[number];

const EVENT = 'kakeibo:navigate';

export function currentRoute(): Route {
  const path = location.pathname.replace(/\/+$/, '') || '/';
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
