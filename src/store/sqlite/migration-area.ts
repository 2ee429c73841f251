/**
 * @module
 * The shape of a migration area (migrations.ts runs them). Its own module so each area's schema
 * file can name it without importing the runner that imports them (no import cycle).
 */
export interface MigrationStep {
  /** 1, 2, 3 … within the area, no gaps. */
  version: number;
  sql: string;
}

export interface MigrationArea {
  area: string;
  steps: readonly MigrationStep[];
}
