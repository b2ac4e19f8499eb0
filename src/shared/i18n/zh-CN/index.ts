import { common } from './common';
import { app } from './app';
import { run } from './run';
import { results } from './results';
import { terminals } from './terminals';
import { report } from './report';
import { scenarios } from './scenarios';

/** Simplified Chinese: English's keys (the Messages type checks each area). */
export const zhCN = { common, app, run, results, terminals, report, scenarios };
