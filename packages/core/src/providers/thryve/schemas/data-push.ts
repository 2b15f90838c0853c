/** Schemas of the data push events (`event.data.epoch.*`, `event.data.daily.*`). */
import {
  daySchema,
  envelopeSchema,
  integerSchema,
  numberSchema,
  objectOrArrayOf,
  stringSchema,
  timestampSchema,
  valueSchema,
} from './common.js';

const dailyDetailsProperties = {
  creationTimestamp: timestampSchema,
  dataTypeName: stringSchema,
  valueType: stringSchema,
  generationType: stringSchema,
  trustworthiness: stringSchema,
  chronologicalExactness: numberSchema,
} as const;

/** `additionalDetails` of a daily point; every field optional (configurable in Thryve's dashboard). */
export const dailyAdditionalDetailsSchema = { type: 'object', properties: dailyDetailsProperties } as const;

/** `additionalDetails` of an epoch point. */
export const epochAdditionalDetailsSchema = {
  type: 'object',
  properties: {
    ...dailyDetailsProperties,
    thirdPartyDataSourceId: integerSchema,
    thirdPartyDataSourceName: stringSchema,
    measurementReference: integerSchema,
    medicalGrade: { type: 'boolean' },
  },
} as const;

/** One epoch point. */
export const epochPointSchema = {
  type: 'object',
  required: ['startTimestamp', 'dataTypeId', 'value'],
  properties: {
    startTimestamp: timestampSchema,
    endTimestamp: timestampSchema,
    timezoneOffset: numberSchema,
    dataTypeId: integerSchema,
    value: valueSchema,
    additionalDetails: epochAdditionalDetailsSchema,
  },
} as const;

/** One daily point. */
export const dailyPointSchema = {
  type: 'object',
  required: ['day', 'dataTypeId', 'value'],
  properties: {
    day: daySchema,
    timezoneOffset: numberSchema,
    dataTypeId: integerSchema,
    value: valueSchema,
    additionalDetails: dailyAdditionalDetailsSchema,
  },
} as const;

/** The epoch points of one data source. */
export const epochDataSourceSchema = {
  type: 'object',
  required: ['dataSourceId', 'epochData'],
  properties: {
    dataSourceId: integerSchema,
    dataSourceName: stringSchema,
    epochData: { type: 'array', items: epochPointSchema },
  },
} as const;

/** The daily points of one data source. */
export const dailyDataSourceSchema = {
  type: 'object',
  required: ['dataSourceId', 'dailyData'],
  properties: {
    dataSourceId: integerSchema,
    dataSourceName: stringSchema,
    dailyData: { type: 'array', items: dailyPointSchema },
  },
} as const;

export const epochCreateSchema = envelopeSchema('Thryve event.data.epoch.create', ['event.data.epoch.create'], objectOrArrayOf(epochDataSourceSchema));
export const epochUpdateSchema = envelopeSchema('Thryve event.data.epoch.update', ['event.data.epoch.update'], objectOrArrayOf(epochDataSourceSchema));
export const dailyCreateSchema = envelopeSchema('Thryve event.data.daily.create', ['event.data.daily.create'], objectOrArrayOf(dailyDataSourceSchema));
export const dailyUpdateSchema = envelopeSchema('Thryve event.data.daily.update', ['event.data.daily.update'], objectOrArrayOf(dailyDataSourceSchema));
