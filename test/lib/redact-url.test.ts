import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl } from '../../lib/redact-url.ts';

test('the password of a URL is replaced, the rest kept', () => {
  assert.equal(redactUrl('amqp://guest:s3cret@127.0.0.1:5672/vh'), 'amqp://guest:***@127.0.0.1:5672/vh');
  assert.equal(redactUrl('postgres://vigil:p%40ss@db:5432/vigil'), 'postgres://vigil:***@db:5432/vigil');
});

test('a URL without a password is unchanged', () => {
  assert.equal(redactUrl('postgres://postgres@127.0.0.1:5432/postgres'), 'postgres://postgres@127.0.0.1:5432/postgres');
});

test('text that is not a URL still loses a user:password@ part', () => {
  assert.equal(redactUrl('weird//bob:hunter2@host:x:y'), 'weird//bob:***@host:x:y');
});
