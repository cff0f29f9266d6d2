// The fleet overview's figures: counts and averages (summary), and every host's CPU line of the
// last hour (sparklines), each in one query however many hosts there are.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { VigilDb } from '../../../lib/db/database.ts';
import { selectFleetSparklines, type FleetSparklines } from '../../../lib/db/queries/select-fleet-sparklines.ts';
import { selectFleetSummary } from '../../../lib/db/queries/select-fleet-summary.ts';

export interface FleetRoutesOptions {
  db: VigilDb;
  /** The clock freshness and ranges are measured from; tests pin it. */
  now?: () => number;
  /**
   * How long one computation of the sparklines answers every client asking for the same range
   * (default 5 s). Their points are minutes-wide averages, so a few seconds' lag does not show,
   * while 5,000 hosts cost the database a few hundred milliseconds per computation.
   */
  sparklineCacheMs?: number;
}

export const fleetRoutes: Plugin<FleetRoutesOptions> = {
  name: 'vigil-fleet-routes',
  register(server, options) {
    const { db } = options;
    const now = options.now ?? Date.now;
    const sparklineCacheMs = options.sparklineCacheMs ?? 5000;
    const sparklineCache = new Map<string, { at: number; answer: Promise<FleetSparklines> }>();

    server.route({
      method: 'GET',
      path: '/api/v1/fleet/summary',
      options: {
        description: 'Hosts by status, firing alerts by severity, and fleet averages of the newest samples',
        tags: ['api', 'fleet'],
        validate: { query: Joi.object({}) },
      },
      handler: () => selectFleetSummary(db, now()),
    });

    server.route({
      method: 'GET',
      path: '/api/v1/fleet/sparklines',
      options: {
        description: "Every host's CPU busy % over the last minutes, averaged into a few points",
        tags: ['api', 'fleet'],
        validate: {
          query: Joi.object({
            minutes: Joi.number().integer().min(5).max(1440).default(60),
            points: Joi.number().integer().min(2).max(240).default(30),
          }).custom((value: { minutes: number; points: number }, helpers) =>
            // The rollups hold one value a minute: more points than minutes would only be gaps.
            value.points > value.minutes ? helpers.message({ custom: `"points" (${value.points}) must not exceed "minutes" (${value.minutes})` }) : value,
          ),
        },
      },
      handler: (request) => {
        const { minutes, points } = request.query as { minutes: number; points: number };
        const key = `${minutes}/${points}`;
        const cached = sparklineCache.get(key);
        // Wall-clock age, not the (pinnable) API clock: this is about load, not about the data's time.
        if (cached && Date.now() - cached.at < sparklineCacheMs) return cached.answer;
        const answer = selectFleetSparklines(db, { nowMs: now(), minutes, points });
        // Requests arriving while it runs share it; a failure is not kept.
        sparklineCache.set(key, { at: Date.now(), answer });
        answer.catch(() => sparklineCache.delete(key));
        return answer;
      },
    });
  },
};
