import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Joi from 'joi';
import { joiToJsonSchema } from '../../../lib/web/joi-to-json-schema.ts';
import type { JoiDescription } from '../../../lib/web/joi-to-json-schema.ts';

const convert = (schema: Joi.Schema) => joiToJsonSchema(schema.describe() as JoiDescription);

void describe('joiToJsonSchema', () => {
  void test('strings: lengths, patterns, formats; Joi refuses "" unless allowed', () => {
    assert.deepEqual(convert(Joi.string()), { type: 'string', minLength: 1 });
    assert.deepEqual(convert(Joi.string().min(3).max(40)), { type: 'string', minLength: 3, maxLength: 40 });
    assert.deepEqual(convert(Joi.string().max(10).allow('')), { type: 'string', maxLength: 10 });
    assert.deepEqual(convert(Joi.string().min(5).allow('')), { anyOf: [{ type: 'string', minLength: 5 }, { enum: [''] }] });
    assert.deepEqual(convert(Joi.string().pattern(/^[a-z]+$/i)), { type: 'string', pattern: '^[a-z]+$', minLength: 1 });
    assert.deepEqual(convert(Joi.string().email()), { type: 'string', format: 'email', minLength: 1 });
    assert.deepEqual(convert(Joi.string().allow(null)), { type: ['string', 'null'], minLength: 1 });
  });

  void test('numbers, booleans and dates', () => {
    assert.deepEqual(convert(Joi.number().integer().min(2).max(20_000).default(1000)), { type: 'integer', minimum: 2, maximum: 20000, default: 1000 });
    assert.deepEqual(convert(Joi.number().greater(0).less(1)), { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 });
    assert.deepEqual(convert(Joi.boolean().default(false)), { type: 'boolean', default: false });
    assert.deepEqual(convert(Joi.date()), { type: 'string', format: 'date-time' });
  });

  void test('valid() is an enum with its type; a description is kept', () => {
    assert.deepEqual(convert(Joi.string().valid('viewer', 'admin').required().description('The role')), {
      type: 'string',
      enum: ['viewer', 'admin'],
      description: 'The role',
    });
    assert.deepEqual(convert(Joi.valid(1, 'a')), { enum: [1, 'a'] });
  });

  void test('a custom() conversion is described by the message it fails with', () => {
    const instant = Joi.string()
      .max(40)
      .custom((value: string) => value)
      .messages({ 'any.invalid': '{{#label}} must be an ISO 8601 date or milliseconds since the epoch' });
    assert.deepEqual(convert(instant), {
      type: 'string',
      maxLength: 40,
      minLength: 1,
      description: 'Must be an ISO 8601 date or milliseconds since the epoch',
    });
  });

  void test('objects: properties, required, no other keys unless unknown(); or/xor as JSON Schema', () => {
    const schema = Joi.object({
      name: Joi.string().max(100).required(),
      tags: Joi.array().items(Joi.string()).max(5).unique(),
      host: Joi.string(),
      group: Joi.string(),
      endsAt: Joi.number(),
      duration: Joi.string(),
      hidden: Joi.any().forbidden(),
    })
      .or('host', 'group')
      .xor('endsAt', 'duration');
    assert.deepEqual(convert(schema), {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100 },
        tags: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 5, uniqueItems: true },
        host: { type: 'string', minLength: 1 },
        group: { type: 'string', minLength: 1 },
        endsAt: { type: 'number' },
        duration: { type: 'string', minLength: 1 },
      },
      required: ['name'],
      additionalProperties: false,
      allOf: [{ anyOf: [{ required: ['host'] }, { required: ['group'] }] }, { oneOf: [{ required: ['endsAt'] }, { required: ['duration'] }] }],
    });
    assert.deepEqual(convert(Joi.object({}).unknown(true)), { type: 'object', properties: {} });
    assert.deepEqual(convert(Joi.object()), { type: 'object' });
  });

  void test('alternatives and any', () => {
    assert.deepEqual(convert(Joi.alternatives().try(Joi.number(), Joi.string().max(3))), {
      anyOf: [{ type: 'number' }, { type: 'string', minLength: 1, maxLength: 3 }],
    });
    assert.deepEqual(convert(Joi.any()), {});
  });

  void test('defaults that are functions or references are left out', () => {
    assert.deepEqual(convert(Joi.number().default(() => 5)), { type: 'number' });
    assert.deepEqual(convert(Joi.number().default(Joi.ref('other'))), { type: 'number' });
  });
});
