/**
 * @module
 * User data (an invocation's input, a function's output) inside the control plane: kept as the
 * JSON text it arrived as where it came as text (lib/raw-json), else a parsed JSON value.
 */
import type { Json } from "../contracts/pod";
import type { RawJson } from "../lib/raw-json";

export type Payload = Json | RawJson;
