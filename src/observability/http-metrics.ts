/**
 * @module
 * `http_server_requests_seconds{method, uri, status, outcome}` — the API's request histogram, named
 * and labelled like the reference's Micrometer output. `uri` is always a route pattern
 * (`/v1/functions/{name}:invoke`), never a raw path, so cardinality is bounded by the route table;
 * unmatched requests are `NOT_FOUND` (404) or `UNMATCHED`. Series are kept in nested maps so a
 * request allocates nothing once its (uri, method, status) combination has been seen.
 */
import { LATENCY_BUCKETS } from "./function-meters";
import { Buckets, pushHistogram, type Sample } from "./metric-family";

interface Series {
  labels: { method: string; uri: string; status: string; outcome: string };
  buckets: Buckets;
}

const outcomeOf = (status: number) =>
  status < 200
    ? "INFORMATIONAL"
    : status < 300
      ? "SUCCESS"
      : status < 400
        ? "REDIRECTION"
        : status < 500
          ? "CLIENT_ERROR"
          : "SERVER_ERROR";

export class HttpServerMetrics {
  private readonly byUri = new Map<string, Map<string, Map<number, Series>>>();

  observe(method: string, uri: string, status: number, seconds: number): void {
    let byMethod = this.byUri.get(uri);
    if (!byMethod) {
      byMethod = new Map();
      this.byUri.set(uri, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let series = byStatus.get(status);
    if (!series) {
      series = {
        labels: { method, uri, status: String(status), outcome: outcomeOf(status) },
        buckets: new Buckets(LATENCY_BUCKETS),
      };
      byStatus.set(status, series);
    }
    series.buckets.observe(seconds);
  }

  collect(out: Sample[], name: string): void {
    for (const byMethod of this.byUri.values()) {
      for (const byStatus of byMethod.values()) {
        for (const series of byStatus.values()) pushHistogram(out, name, series.labels, series.buckets);
      }
    }
  }
}
