import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validatedParser } from '../../grammar/parse-rules.js';

// The shipped parser skips Chevrotain's grammar validations to start faster;
// this is where they run, so a grammar change that makes a rule ambiguous or
// left-recursive fails here.
test('the grammar passes Chevrotain\'s own validations (the shipped parser skips them at start-up)', () => {
  // performSelfAnalysis throws "Parser Definition Errors detected: …" when a validation fails.
  assert.doesNotThrow(() => validatedParser());
});
