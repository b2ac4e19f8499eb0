import { common } from './common';
import { app } from './app';
import { run } from './run';
import { results } from './results';
import { terminals } from './terminals';
import { report } from './report';
import { scenarios } from './scenarios';

/** English, the source language: every key of the catalogue. */
export const en = { common, app, run, results, terminals, report, scenarios };
