import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Deterministic sample data for the reference example: N orders, and the financial data the
 * enrichment looks up by `uuid`. A few orders are invalid (a field missing) and a few have no
 * financial data; which ones depends only on the seed. Used by the demo, the tests and the benchmark.
 */

export const ORDER_HEADER = ['uuid', 'Country', 'Item Type', 'Sales Channel', 'Order Priority', 'Order Date', 'Region', 'Ship Date'];
export const FINANCIAL_HEADER = ['uuid', 'unitsSold', 'unitPrice', 'unitCost', 'totalRevenue', 'totalCost', 'totalProfit'];

export interface SampleOrdersOptions {
  readonly records: number;
  readonly seed?: number;
  /** One order in this many has a field missing. @default 997 */
  readonly invalidEvery?: number;
  /** One order in this many has no financial data. @default 1499 */
  readonly missingFinancialsEvery?: number;
}

export interface SampleOrders {
  readonly ordersCsv: string;
  readonly financialsCsv: string;
  /** Input line numbers (header = 1) of the orders written with a field missing. */
  readonly invalidLines: number[];
  /** uuids of valid orders that have no financial data. */
  readonly uuidsWithoutFinancials: string[];
}

const COUNTRIES: Array<[string, string]> = [
  ['Azerbaijan', 'Middle East and North Africa'], ['Panama', 'Central America and the Caribbean'],
  ['Sao Tome and Principe', 'Sub-Saharan Africa'], ['Norway', 'Europe'], ['Japan', 'Asia'],
  ['Australia', 'Australia and Oceania'], ['Canada', 'North America'], ['Peru', 'Central America and the Caribbean'],
];
const ITEMS: Array<[string, number, number]> = [
  ['Snacks', 152.58, 97.44], ['Cosmetics', 437.2, 263.33], ['Fruits', 9.33, 6.92], ['Personal Care', 81.73, 56.67],
  ['Household', 668.27, 502.54], ['Office Supplies', 651.21, 524.96], ['Beverages', 47.45, 31.79], ['Clothes', 109.28, 35.84],
];
const CHANNELS = ['Online', 'Offline'];
const PRIORITIES = ['C', 'H', 'L', 'M'];

/** mulberry32: a small, fast, seedable PRNG (the same sequence on every machine). */
/* eslint-disable no-bitwise */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

const money = (n: number) => String(Math.round(n * 100) / 100);
const date = (d: Date) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${String(d.getUTCFullYear()).slice(2)}`;

export function generateSampleOrders(options: SampleOrdersOptions): SampleOrders {
  const random = prng(options.seed ?? 1);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const invalidEvery = options.invalidEvery ?? 997;
  const missingEvery = options.missingFinancialsEvery ?? 1499;
  const orders = [ORDER_HEADER.join(',')];
  const financials = [FINANCIAL_HEADER.join(',')];
  const invalidLines: number[] = [];
  const uuidsWithoutFinancials: string[] = [];
  const usedUuids = new Set<number>();

  for (let i = 1; i <= options.records; i++) {
    let uuid: number;
    do uuid = 100_000_000 + Math.floor(random() * 900_000_000); while (usedUuids.has(uuid));
    usedUuids.add(uuid);
    const [country, region] = pick(COUNTRIES);
    const [item, unitPrice, unitCost] = pick(ITEMS);
    const ordered = new Date(Date.UTC(2010, 0, 1) + Math.floor(random() * 2900) * 86_400_000);
    const shipped = new Date(ordered.getTime() + Math.floor(random() * 50) * 86_400_000);
    const fields = [String(uuid), country, item, pick(CHANNELS), pick(PRIORITIES), date(ordered), region, date(shipped)];
    const line = i + 1;
    if (i % invalidEvery === 0) {
      fields.splice(3, 1); // the Sales Channel is missing: too few fields
      invalidLines.push(line);
    }
    orders.push(fields.join(','));
    if (i % invalidEvery !== 0 && i % missingEvery === 0) {
      uuidsWithoutFinancials.push(String(uuid));
      continue;
    }
    const units = 1 + Math.floor(random() * 9999);
    const revenue = units * unitPrice;
    const cost = units * unitCost;
    financials.push([uuid, units, unitPrice, unitCost, money(revenue), money(cost), money(revenue - cost)].join(','));
  }
  return { ordersCsv: orders.join('\n') + '\n', financialsCsv: financials.join('\n') + '\n', invalidLines, uuidsWithoutFinancials };
}

/** Writes `orders.csv` and `financials.csv` into `dir`; returns their paths and the sample. */
export function writeSampleOrders(dir: string, options: SampleOrdersOptions): SampleOrders & { ordersFile: string; financialsFile: string } {
  const sample = generateSampleOrders(options);
  fs.mkdirSync(dir, { recursive: true });
  const ordersFile = path.join(dir, 'orders.csv');
  const financialsFile = path.join(dir, 'financials.csv');
  fs.writeFileSync(ordersFile, sample.ordersCsv);
  fs.writeFileSync(financialsFile, sample.financialsCsv);
  return { ...sample, ordersFile, financialsFile };
}
