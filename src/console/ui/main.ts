/**
 * @module
 * The web console's entry point: a shell with a navigation bar and one page per hash route
 * (`#/functions`, `#/functions/NAME`, `#/invoke/NAME`, `#/executions`, `#/executions/ID`, `#/dlq`).
 * When the API answers 401 the login form replaces the page until a working key is given.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { apiKey, onUnauthorized } from "./api";
import { useHashRoute } from "./hooks";
import { html } from "./html";
import { Login } from "./pages/login";
import { pageFor } from "./routes";

const NAV: [href: string, label: string, prefix: string][] = [
  ["#/functions", "Functions", "/functions"],
  ["#/invoke", "Invoke", "/invoke"],
  ["#/executions", "Executions", "/executions"],
  ["#/dlq", "Dead letters", "/dlq"],
];

function Nav({ route, signedIn, signOut }: { route: string; signedIn: boolean; signOut: () => void }) {
  const current = (prefix: string) => route.startsWith(prefix) || (prefix === "/functions" && route === "/");
  return html`<header class="top">
    <a class="brand" href="#/functions">nanofaas</a>
    <nav aria-label="Console">
      <ul>
        ${NAV.map(
          ([href, label, prefix]) =>
            html`<li><a href=${href} aria-current=${current(prefix) ? "page" : undefined}>${label}</a></li>`,
        )}
      </ul>
    </nav>
    <span class="spacer"></span>
    <a href="/docs">API docs</a>
    ${signedIn && html`<button type="button" class="link" onClick=${signOut}>Sign out</button>`}
  </header>`;
}

function App() {
  const route = useHashRoute();
  const [needsLogin, setNeedsLogin] = useState(false);
  const [signedIn, setSignedIn] = useState(apiKey.get() !== null);
  useEffect(() => onUnauthorized(() => setNeedsLogin(true)), []);
  const signOut = () => {
    apiKey.clear();
    setSignedIn(false);
    setNeedsLogin(true);
  };
  const signedInNow = () => {
    setSignedIn(true);
    setNeedsLogin(false);
  };
  return html`<${Nav} route=${route} signedIn=${signedIn} signOut=${signOut} />
    <main id="main">${needsLogin ? html`<${Login} onSignedIn=${signedInNow} />` : pageFor(route)}</main>`;
}

const root = document.getElementById("app");
if (root) {
  root.textContent = "";
  render(html`<${App} />`, root);
}
