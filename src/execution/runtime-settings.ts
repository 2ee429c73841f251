/**
 * @module
 * Engine settings that can change while running (the admin runtime-config API, reference §1.11).
 * The engine reads them on every request, so a change applies to the next call.
 */
export interface RuntimeSettings {
  rateMaxPerSecond: number;
  syncQueueEnabled: boolean;
  syncQueueAdmissionEnabled: boolean;
  syncQueueMaxEstimatedWaitMs: number;
  syncQueueMaxQueueWaitMs: number;
  syncQueueRetryAfterSeconds: number;
}
