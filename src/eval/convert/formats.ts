import { fromDiginetica } from './diginetica.ts';
import { fromMovielens } from './movielens.ts';
import { fromOnlineRetail } from './online-retail.ts';
import { fromTaobao } from './taobao.ts';

/** Every source format the `convert` command reads, by its `--from` name. */
export const converters: Record<string, (text: string) => string[]> = {
  movielens: fromMovielens,
  taobao: fromTaobao,
  retail: fromOnlineRetail,
  diginetica: fromDiginetica,
};
