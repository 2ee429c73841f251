/**
 * @module
 * Message-queue event sources of a function spec (issue 21, SPEC-platform §5): `eventSources:
 * [{type: "nats", url, stream, subject, durable} | {type: "rabbitmq", url, queue, prefetch?}]`.
 *
 * Credentials: a source gives either `url` or `urlFromEnv`, the name of an environment variable of
 * the control plane holding the URL. Only variables named `NANOFAAS_SOURCE_*` may be referenced:
 * otherwise anyone allowed to register a function could point a source at a host of their choosing
 * with `urlFromEnv: "NANOFAAS_DATABASE_URL"` and receive that secret in the connection attempt.
 * URL credentials (`nats://user:pass@host`) are never returned by GET (`redactEventSources`).
 */
import { z } from "zod";

/** The only environment variables a source may read (see the module comment). */
export const SOURCE_ENV_PATTERN = /^NANOFAAS_SOURCE_[A-Z0-9_]+$/;

const BROKER_URL = /^(nats|tls|amqp|amqps):\/\/[^\s]+$/i;

const brokerUrl = (schemes: string) =>
  z
    .string()
    .max(2048)
    .refine(
      // Non-special schemes parse without a host (`amqp://`): a broker URL must name one.
      (value) => BROKER_URL.test(value) && URL.canParse(value) && new URL(value).hostname !== "",
      `must be an absolute ${schemes} URL with a host`,
    );

const envName = z
  .string()
  .regex(SOURCE_ENV_PATTERN, "must name an environment variable starting with NANOFAAS_SOURCE_ (A-Z, 0-9, _)")
  .meta({ description: "Environment variable of the control plane holding the URL; NANOFAAS_SOURCE_* only." });

// NATS subjects, stream and consumer names: no whitespace; stream/durable also no '.', '*', '>'.
const natsName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\s.*>/\\]+$/, "must not contain whitespace, '.', '*', '>', '/' or '\\'");

export const NatsEventSource = z
  .object({
    type: z.literal("nats"),
    url: brokerUrl("nats:// or tls://")
      .refine((u) => /^(nats|tls):/i.test(u), "must be a nats:// or tls:// URL")
      .optional(),
    urlFromEnv: envName.optional(),
    stream: natsName,
    subject: z.string().min(1).max(255).regex(/^\S+$/, "must not contain whitespace"),
    durable: natsName,
  })
  .meta({
    id: "NatsEventSource",
    description: "A JetStream durable pull consumer; each message → an async execution.",
  });

export const RabbitMqEventSource = z
  .object({
    type: z.literal("rabbitmq"),
    url: brokerUrl("amqp:// or amqps://")
      .refine((u) => /^amqps?:/i.test(u), "must be an amqp:// or amqps:// URL")
      .optional(),
    urlFromEnv: envName.optional(),
    // AMQP short strings: 255 bytes of UTF-8, not characters.
    queue: z
      .string()
      .min(1)
      .max(255)
      .refine((q) => new TextEncoder().encode(q).length <= 255, "must be at most 255 bytes of UTF-8"),
    prefetch: z.int().min(1).max(10_000).optional(),
  })
  .meta({
    id: "RabbitMqEventSource",
    description:
      "An amqplib consumer (manual acks) on an existing queue; each message → an async execution. prefetch: default the function's concurrency, at most its queueSize.",
  });

export const EventSource = z
  .discriminatedUnion("type", [NatsEventSource, RabbitMqEventSource])
  .refine((s) => (s.url === undefined) !== (s.urlFromEnv === undefined), {
    message: "give exactly one of url and urlFromEnv",
    path: ["url"],
  })
  .meta({ id: "EventSource" });
export type EventSource = z.infer<typeof EventSource>;
export type NatsEventSource = z.infer<typeof NatsEventSource>;
export type RabbitMqEventSource = z.infer<typeof RabbitMqEventSource>;

export const EventSources = z
  .array(EventSource)
  .max(16)
  .meta({ description: "Message-queue consumers feeding this function (docs/triggers.md, Message queues)." });

/** The sources as GET shows them: user and password of a literal URL replaced by `***`. */
export function redactEventSources(sources: readonly EventSource[]): EventSource[] {
  return sources.map((source) => (source.url === undefined ? source : { ...source, url: redactUrl(source.url) }));
}

export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.username === "" && parsed.password === "") return url;
  parsed.username = "***";
  if (parsed.password !== "") parsed.password = "***";
  return parsed.href;
}
