/**
 * @module
 * Input and output mappings of workflow steps: any JSON value, in which a string starting with `$`
 * is a reference (`"$.steps.extract.output.rows"`) replaced by the value it names, and a string
 * starting with `$$` is the literal text with one `$` less. Compiled once when a definition is
 * written, so a bad reference is a 400 then, not a failed run later.
 */
import { ExpressionError, type PathPart, parseReference, resolvePath } from "./expressions";

export type Mapping = (scope: unknown) => unknown;

/** Compiles `template`; throws ExpressionError naming the JSON location of a bad reference. */
export function compileMapping(template: unknown, onReference: (parts: PathPart[]) => void = () => {}): Mapping {
  return compileAt(template, "", onReference);
}

function compileAt(template: unknown, where: string, onReference: (parts: PathPart[]) => void): Mapping {
  if (typeof template === "string") {
    if (template.startsWith("$$")) {
      const text = template.slice(1);
      return () => text;
    }
    if (!template.startsWith("$")) return () => template;
    try {
      const parts = parseReference(template);
      onReference(parts);
      return (scope) => resolvePath(scope, parts);
    } catch (error) {
      throw new ExpressionError(`${where ? `${where}: ` : ""}'${template}': ${(error as Error).message}`);
    }
  }
  if (Array.isArray(template)) {
    const items = template.map((item, i) => compileAt(item, `${where}[${i}]`, onReference));
    return (scope) => items.map((item) => item(scope));
  }
  if (template !== null && typeof template === "object") {
    const fields = Object.entries(template).map(
      ([key, value]) => [key, compileAt(value, where ? `${where}.${key}` : key, onReference)] as const,
    );
    return (scope) => Object.fromEntries(fields.map(([key, field]) => [key, field(scope)]));
  }
  return () => template;
}
