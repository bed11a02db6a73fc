import { describe, expect, it } from 'vitest';
import { parseEventsCsv } from '../../src/eval/events-csv.ts';
import { fromOnlineRetail } from '../../src/eval/convert/online-retail.ts';
import { leaveLastOut, validationSplit } from '../../src/eval/leave-last-out.ts';
import { createMetrics } from '../../src/eval/metrics.ts';
import type { ShopEvent } from '../../src/model/events.ts';

const e = (user: string, item: string, ts: number): ShopEvent => ({ user, item, type: 'view', ts });

describe('leave-last-out', () => {
  it('holds out the latest distinct item with all its events, and keeps single-item users for training', () => {
    const events = [e('u1', 'a', 1), e('u1', 'b', 2), e('u1', 'a', 3), e('u1', 'c', 2), e('u2', 'a', 5), e('u2', 'a', 6)];
    const split = leaveLastOut(events);
    expect([...split.heldOut]).toEqual([['u1', 'a']]);
    expect(split.train.map((x) => `${x.user}${x.item}${x.ts}`)).toEqual(['u1b2', 'u1c2', 'u2a5', 'u2a6']);
    expect(split.histories.get('u1')?.map((x) => x.item)).toEqual(['b', 'c']);
  });

  it('breaks timestamp ties by input order and validates on the second-latest item', () => {
    const events = [e('u1', 'a', 1), e('u1', 'b', 2), e('u1', 'c', 2)];
    expect(leaveLastOut(events).heldOut.get('u1')).toBe('c');
    expect(validationSplit(events).heldOut.get('u1')).toBe('b');
  });
});

describe('metrics', () => {
  it('computes hit rate, NDCG and coverage by hand', () => {
    const metrics = createMetrics(10, 2);
    metrics.add(['a', 'b', 'c', 'd'], 'b');
    metrics.add(['a', 'c', 'x', 'd'], 'd');
    expect(metrics.result()).toEqual({ hitRate: 0.5, ndcg: 0.5 / Math.log2(3), hitRate2k: 1, coverage: 0.3 });
  });
});

describe('evaluation CSV', () => {
  it('detects second timestamps and converts retail invoice lines', () => {
    const events = parseEventsCsv('user,item,type,value,timestamp\nu1,i1,rating,4,1700000000\n');
    expect(events).toEqual([{ user: 'u1', item: 'i1', type: 'rating', value: 4, ts: 1700000000000 }]);
    const retail = fromOnlineRetail(
      'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n' +
        '"1","A","BAG, ""RED""",2,"2011-06-16 14:45:00",2.08,12621,"UK"\n' +
        '"2","B","X",1,"2011-06-16 14:45:00",1,NA,"UK"\n' +
        '"C3","C","X",-1,"2011-06-16 14:45:00",1,12621,"UK"',
    );
    expect(retail).toEqual(['12621,A,purchase,2,1308235500000']);
  });
});
