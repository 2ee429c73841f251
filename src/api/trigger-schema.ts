/**
 * @module
 * The shape of one trigger in `GET /v1/triggers` and in `GET /v1/functions/{name}` (issue 21).
 * Apart from the route so the function schema can use it without importing a route module.
 */
import { z } from "zod";

export const TriggerType = z.enum(["cron", "webhook", "nats", "rabbitmq"]);

export const TriggerStatus = z
  .object({
    type: TriggerType,
    id: z
      .string()
      .meta({ description: "Schedule id, webhook id, `<stream>/<durable>` (nats) or the queue (rabbitmq)" }),
    function: z.string(),
    state: z.enum(["active", "paused", "disabled", "connecting", "consuming", "reconnecting", "not-started"]).meta({
      description:
        "cron: active, paused (:pause) or disabled (enabled: false in the spec); webhook: active; message queues: connecting, consuming, reconnecting (the broker is away; lastError says why) or not-started (lastError says why)",
    }),
    detail: z
      .string()
      .meta({ description: "What it listens to: cron expression and zone, webhook format and mode, stream or queue" }),
    lastFireAt: z
      .string()
      .nullable()
      .meta({ description: "Last cron fire, webhook delivery or message received (ISO-8601 UTC)" }),
    nextFireAt: z.string().nullable().meta({ description: "cron: the next fire time while active; else null" }),
    lastError: z
      .object({ message: z.string(), at: z.string() })
      .nullable()
      .meta({ description: "The last failure: a fire that could not start, a rejected delivery, a broker error" }),
  })
  .meta({ id: "TriggerStatus" });
