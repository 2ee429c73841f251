/** Hash route → page. Unknown routes show the function list. */
import { html } from "./html";
import { DeadLetters } from "./pages/dlq";
import { ExecutionDetail } from "./pages/execution";
import { Executions } from "./pages/executions";
import { FunctionPage } from "./pages/function-page";
import { Functions } from "./pages/functions";
import { Invoke } from "./pages/invoke";

export function pageFor(route: string) {
  const [path = "/", query = ""] = route.split("?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean);
  const [section, id] = parts;
  switch (section) {
    case "functions":
      return id ? html`<${FunctionPage} key=${id} name=${id} />` : html`<${Functions} />`;
    case "invoke":
      return html`<${Invoke} key=${id ?? ""} name=${id ?? ""} />`;
    case "executions":
      return id
        ? html`<${ExecutionDetail} key=${id} id=${id} />`
        : html`<${Executions} fn=${params.get("function") ?? ""} status=${params.get("status") ?? ""} />`;
    case "dlq":
      return html`<${DeadLetters} />`;
    default:
      return html`<${Functions} />`;
  }
}
