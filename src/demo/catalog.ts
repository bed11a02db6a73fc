import type { ItemInput } from '../catalog/item-schema.ts';
import { type Random, seededRandom } from '../random.ts';

/** A kind of product in the demo shop, with the kinds that complete it (bought together). */
interface Kind {
  key: string;
  en: string;
  zh: string;
  price: number;
  completes?: string[];
}

/** The demo shop's departments: category, Chinese name, product kinds (and, for teas, their own variants without colours). */
const DEPARTMENTS: { category: string; zh: string; kinds: Kind[]; variants?: [string, string][] }[] = [
  {
    category: 'phones',
    zh: '手机',
    kinds: [
      { key: 'phone', en: 'Smartphone', zh: '智能手机', price: 399, completes: ['case', 'charger', 'protector'] },
      { key: 'case', en: 'Phone case', zh: '手机壳', price: 15 },
      { key: 'charger', en: 'Fast charger', zh: '快充充电器', price: 25 },
      { key: 'protector', en: 'Screen protector', zh: '钢化膜', price: 9 },
      { key: 'powerbank', en: 'Power bank', zh: '充电宝', price: 35 },
    ],
  },
  {
    category: 'audio',
    zh: '音频',
    kinds: [
      { key: 'earbuds', en: 'Wireless earbuds', zh: '无线耳机', price: 79, completes: ['eartips'] },
      { key: 'headphones', en: 'Over-ear headphones', zh: '头戴式耳机', price: 149, completes: ['stand'] },
      { key: 'speaker', en: 'Bluetooth speaker', zh: '蓝牙音箱', price: 59 },
      { key: 'eartips', en: 'Memory foam ear tips', zh: '记忆海绵耳塞套', price: 12 },
      { key: 'stand', en: 'Headphone stand', zh: '耳机支架', price: 19 },
    ],
  },
  {
    category: 'kitchen',
    zh: '厨房',
    kinds: [
      { key: 'coffee-machine', en: 'Espresso machine', zh: '意式咖啡机', price: 229, completes: ['beans', 'milk-jug'] },
      { key: 'beans', en: 'Coffee beans 1kg', zh: '咖啡豆 1公斤', price: 18 },
      { key: 'milk-jug', en: 'Milk frothing jug', zh: '拉花奶缸', price: 14 },
      { key: 'kettle', en: 'Electric kettle', zh: '电热水壶', price: 39, completes: ['tea'] },
      { key: 'tea', en: 'Oolong tea', zh: '乌龙茶', price: 16 },
    ],
  },
  {
    category: 'outdoor',
    zh: '户外',
    kinds: [
      { key: 'tent', en: 'Camping tent', zh: '露营帐篷', price: 189, completes: ['sleeping-bag', 'mat'] },
      { key: 'sleeping-bag', en: 'Sleeping bag', zh: '睡袋', price: 69 },
      { key: 'mat', en: 'Sleeping mat', zh: '防潮垫', price: 29 },
      { key: 'backpack', en: 'Hiking backpack', zh: '登山背包', price: 99, completes: ['bottle'] },
      { key: 'bottle', en: 'Insulated bottle', zh: '保温杯', price: 24 },
    ],
  },
  {
    category: 'beauty',
    zh: '美妆',
    kinds: [
      { key: 'cleanser', en: 'Facial cleanser', zh: '洁面乳', price: 19, completes: ['toner', 'moisturizer'] },
      { key: 'toner', en: 'Hydrating toner', zh: '保湿爽肤水', price: 22 },
      { key: 'moisturizer', en: 'Moisturizer', zh: '面霜', price: 35 },
      { key: 'sunscreen', en: 'Sunscreen SPF50', zh: '防晒霜 SPF50', price: 21 },
      { key: 'lipstick', en: 'Lipstick', zh: '口红', price: 28 },
    ],
  },
  {
    category: 'books',
    zh: '图书',
    kinds: [
      { key: 'novel', en: 'Novel', zh: '小说', price: 14 },
      { key: 'cookbook', en: 'Cookbook', zh: '菜谱', price: 26 },
      { key: 'kids-book', en: "Children's picture book", zh: '儿童绘本', price: 11 },
      { key: 'notebook', en: 'Dotted notebook', zh: '点阵笔记本', price: 9, completes: ['pen'] },
      { key: 'pen', en: 'Gel pen set', zh: '中性笔套装', price: 7 },
    ],
  },
  {
    category: 'home',
    zh: '家居',
    kinds: [
      { key: 'lamp', en: 'Desk lamp', zh: '台灯', price: 45, completes: ['bulb'] },
      { key: 'bulb', en: 'LED bulb', zh: 'LED灯泡', price: 6 },
      { key: 'pillow', en: 'Memory foam pillow', zh: '记忆棉枕头', price: 39, completes: ['pillowcase'] },
      { key: 'pillowcase', en: 'Silk pillowcase', zh: '真丝枕套', price: 25 },
      { key: 'diffuser', en: 'Aroma diffuser', zh: '香薰机', price: 33 },
    ],
  },
  {
    category: 'sports',
    zh: '运动',
    kinds: [
      { key: 'yoga-mat', en: 'Yoga mat', zh: '瑜伽垫', price: 29, completes: ['yoga-block'] },
      { key: 'yoga-block', en: 'Yoga block', zh: '瑜伽砖', price: 12 },
      { key: 'shoes', en: 'Running shoes', zh: '跑步鞋', price: 89, completes: ['socks'] },
      { key: 'socks', en: 'Running socks', zh: '运动袜', price: 10 },
      { key: 'dumbbells', en: 'Adjustable dumbbells', zh: '可调节哑铃', price: 119 },
    ],
  },
  {
    category: 'tea',
    zh: '茶叶',
    kinds: [
      { key: 'green-tea', en: 'Green tea', zh: '绿茶', price: 18, completes: ['teapot'] },
      { key: 'matcha', en: 'Matcha powder', zh: '抹茶粉', price: 24, completes: ['whisk'] },
      { key: 'jasmine-tea', en: 'Jasmine green tea', zh: '茉莉花茶', price: 15 },
      { key: 'teapot', en: 'Glass teapot', zh: '玻璃茶壶', price: 29 },
      { key: 'whisk', en: 'Bamboo matcha whisk', zh: '竹制抹茶刷', price: 12 },
    ],
    variants: [
      ['Longjing', '龙井'],
      ['Biluochun', '碧螺春'],
      ['Sencha', '煎茶'],
      ['Uji', '宇治'],
      ['Organic', '有机'],
      ['Gift box', '礼盒装'],
    ],
  },
];

const VARIANTS: [string, string][] = [
  ['Classic', '经典款'],
  ['Pro', '专业版'],
  ['Lite', '轻便款'],
  ['Max', '旗舰款'],
  ['Mini', '迷你款'],
  ['Eco', '环保款'],
  ['Plus', '升级款'],
  ['Travel', '旅行款'],
];
const COLOURS: [string, string][] = [
  ['black', '黑色'],
  ['white', '白色'],
  ['blue', '蓝色'],
  ['green', '绿色'],
  ['pink', '粉色'],
];

/** A demo product with the kind it belongs to (for the behaviour generator). */
export interface DemoProduct {
  item: ItemInput;
  kind: string;
  completes: string[];
}

/** The demo shop's catalog: 350 products in 9 categories, bilingual titles, deterministic. */
export function demoCatalog(seed = 7): DemoProduct[] {
  const random: Random = seededRandom(seed);
  const products: DemoProduct[] = [];
  for (const dept of DEPARTMENTS) {
    for (const kind of dept.kinds) {
      (dept.variants ?? VARIANTS).forEach(([en, zh], v) => {
        const [colour, colourZh] = dept.variants ? ['', ''] : random.pick(COLOURS);
        const price = Math.round(kind.price * (0.7 + random.next() * 0.8) * 100) / 100;
        const id = `sku-${dept.category}-${kind.key}-${v + 1}`;
        products.push({
          kind: kind.key,
          completes: kind.completes ?? [],
          item: {
            id,
            title: colour ? `${kind.en} ${en} (${colour})` : `${kind.en} ${en}`,
            categories: [dept.category, kind.key],
            price,
            available: !(v === 7 && kind.key.length % 3 === 0),
            url: `https://shop.example/p/${id}`,
            image: `https://shop.example/img/${id}.jpg`,
            attributes: colour
              ? { title_zh: `${kind.zh} ${zh}（${colourZh}）`, category_zh: dept.zh, colour }
              : { title_zh: `${zh}${kind.zh}`, category_zh: dept.zh },
          },
        });
      });
    }
  }
  return products;
}
