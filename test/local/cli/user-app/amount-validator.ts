/** A validator function bundled by NodejsFunction: the Amount must be a number of at least MINIMUM_AMOUNT. */
interface ValidationRequest {
  readonly header: string[];
  readonly records: Array<{ line: number; fields: string[] }>;
}

export const handler = async ({ header, records }: ValidationRequest) => {
  const minimum = Number(process.env.MINIMUM_AMOUNT);
  const amount = header.indexOf('Amount');
  return {
    verdicts: records.map(({ fields }) => {
      const value = Number(fields[amount]);
      if (!/^\d+(\.\d+)?$/.test(fields[amount])) return { valid: false, reasons: ['Amount is not a number'] };
      return value >= minimum ? { valid: true } : { valid: false, reasons: [`Amount is below ${minimum}`] };
    }),
  };
};
