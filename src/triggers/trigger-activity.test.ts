import { expect, test } from "bun:test";
import { redactCredentials, TriggerActivity } from "./trigger-activity";

test("credentials in an error text are redacted, wherever they are", () => {
  expect(redactCredentials("connect amqp://guest:s3cret@rabbit:5672/vh failed; nats://tok@n:4222")).toBe(
    "connect amqp://***:***@rabbit:5672/vh failed; nats://***:***@n:4222",
  );
  expect(redactCredentials("http://host/path@x")).toBe("http://host/path@x");
});

test("fires, errors and consumer states are kept per trigger and forgotten with the function", () => {
  let now = 1_000;
  const activity = new TriggerActivity(() => now);
  activity.consumer("rabbitmq", "fn", "jobs", "reconnecting", new Error("amqp://u:p@h refused"));
  now = 2_000;
  activity.fired("rabbitmq", "fn", "jobs");
  activity.fired("webhook", "other", "gh");
  expect(activity.get("rabbitmq", "fn", "jobs")).toEqual({
    state: "reconnecting",
    lastFireAt: 2_000,
    lastError: { message: "amqp://***:***@h refused", at: 1_000 },
  });
  activity.forgetFunction("fn");
  expect(activity.get("rabbitmq", "fn", "jobs")).toBeUndefined();
  expect(activity.get("webhook", "other", "gh")?.lastFireAt).toBe(2_000);
});
