import type { MeasurementSchema } from '../../pipeline/metric.js';
import { INVENTORY_TAGS } from '../snmp/measurements.js';

/**
 * One point per notification received. `title` and `text` make it a Grafana annotation as is
 * (InfluxDB annotation query: SELECT title, text FROM snmp_events WHERE $timeFilter).
 */
export const snmpEvents: MeasurementSchema = {
  measurement: 'snmp_events',
  description: 'SNMP traps and informs, one point each: the named event, the object it concerns, its state, and the raw varbinds.',
  tags: [...INVENTORY_TAGS, 'event', 'kind', 'object'],
  fields: {
    title: 'string',
    text: 'string',
    state: 'string',
    link_state: 'string',
    trap_oid: 'string',
    source: 'string',
    version: 'string',
    inform: 'boolean',
    if_index: 'integer',
    varbinds: 'string',
  },
};

export const SNMP_TRAP_MEASUREMENTS: readonly MeasurementSchema[] = [snmpEvents];
