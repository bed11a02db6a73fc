/**
 * The dashboard's labels in English and Chinese. The language comes from `?lang=`, then the
 * `ep_lang` cookie the switch sets, then `Accept-Language`.
 */

/** A language the dashboard speaks. */
export type Lang = 'en' | 'zh';

/** Name of the cookie that remembers the language switch. */
export const LANG_COOKIE = 'ep_lang';

const EN = {
  title: 'Shop dashboard',
  overview: 'Overview',
  recommendations: 'Recommendations',
  experiments: 'Experiments',
  models: 'Models',
  audiences: 'Audiences',
  chat: 'Chat',
  catalog: 'Catalog',
  signIn: 'Sign in',
  signOut: 'Sign out',
  adminKey: 'Admin key',
  wrongKey: 'That key is not the admin key.',
  signInHint: 'Enter the shop’s admin key. The session lasts 8 hours.',
  period: 'Period',
  days: 'days',
  previousPeriod: 'previous period',
  change: 'change',
  noData: 'No data yet for this period.',
  notYet: 'This page fills in when the feature is switched on; nothing to show yet.',
  day: 'Day',
  eventsPerDay: 'Events per day, by type',
  activeShoppers: 'Active shoppers per day',
  shoppers: 'Shoppers',
  events: 'Events',
  revenue: 'Revenue',
  allRevenue: 'All revenue',
  attributedRevenue: 'Revenue from recommendations',
  revenueShare: 'Share of revenue from recommendations',
  ctr: 'Click-through rate of recommendations',
  impressions: 'Impressions',
  clicks: 'Clicks',
  purchases: 'Purchases',
  conversion: 'Conversion',
  surface: 'Surface',
  placement: 'Placement',
  coverage: 'Catalog coverage',
  topItems: 'Most recommended items',
  item: 'Item',
  times: 'Times',
  rebuilds: 'Rebuild history',
  rebuildNow: 'Rebuild now',
  rebuildStarted: 'Rebuild started.',
  currentVersion: 'Tables served now',
  version: 'Version',
  trigger: 'Trigger',
  status: 'Status',
  started: 'Started',
  duration: 'Duration (s)',
  durationChart: 'Rebuild duration, seconds',
  sizes: 'Users and items in each rebuild',
  users: 'Users',
  items: 'Items',
  chosenModel: 'Model chosen',
  candidates: 'Candidates scored offline (NDCG@10)',
  model: 'Model',
  score: 'Score',
  missesPerDay: 'Unanswered chat questions per day',
  answeredRate: 'Answered rate',
  topMisses: 'Top unanswered questions, grouped',
  question: 'Question',
  count: 'Count',
  numbers: 'the numbers',
  examples: 'Examples',
  addPhrasing: 'Add as a phrasing of',
  newFaq: 'New FAQ',
  answer: 'Answer',
  save: 'Save',
  saved: 'Saved. The chat answers it from now on.',
  catalogSize: 'Items in the catalog',
  available: 'Available',
  unavailable: 'Unavailable',
  withoutRecommendations: 'Items without similar items',
  pinnedUnavailable: 'Unavailable items still pinned by rules',
  rules: 'Rules and their effects',
  action: 'Action',
  target: 'Target',
  effect: 'Effect',
  schedule: 'Active',
  always: 'always',
  expired: 'expired',
  scheduled: 'starts later',
  active: 'active',
  itemsAffected: 'items affected',
  missing: 'not in the catalog',
  none: 'None.',
  segments: 'Segments',
  campaigns: 'Campaigns',
  language: '中文',
} as const;

/** The dashboard's labels. */
export type Labels = { readonly [K in keyof typeof EN]: string };

const ZH: Labels = {
  title: '店铺仪表盘',
  overview: '概览',
  recommendations: '推荐效果',
  experiments: '实验',
  models: '模型',
  audiences: '人群',
  chat: '客服',
  catalog: '商品',
  signIn: '登录',
  signOut: '退出',
  adminKey: '管理密钥',
  wrongKey: '密钥不正确。',
  signInHint: '请输入店铺的管理密钥。登录有效期 8 小时。',
  period: '时间段',
  days: '天',
  previousPeriod: '上一周期',
  change: '变化',
  noData: '该时间段暂无数据。',
  notYet: '该功能启用后这里会显示数据，目前暂无。',
  day: '日期',
  eventsPerDay: '每日事件数（按类型）',
  activeShoppers: '每日活跃顾客',
  shoppers: '顾客',
  events: '事件',
  revenue: '收入',
  allRevenue: '总收入',
  attributedRevenue: '推荐带来的收入',
  revenueShare: '推荐收入占比',
  ctr: '推荐点击率',
  impressions: '曝光',
  clicks: '点击',
  purchases: '购买',
  conversion: '转化率',
  surface: '推荐位',
  placement: '位置',
  coverage: '商品覆盖率',
  topItems: '推荐最多的商品',
  item: '商品',
  times: '次数',
  rebuilds: '重建记录',
  rebuildNow: '立即重建',
  rebuildStarted: '重建已开始。',
  currentVersion: '当前使用的表',
  version: '版本',
  trigger: '触发方式',
  status: '状态',
  started: '开始时间',
  duration: '耗时（秒）',
  durationChart: '重建耗时（秒）',
  sizes: '每次重建的顾客数与商品数',
  users: '顾客',
  items: '商品',
  chosenModel: '选中的模型',
  candidates: '离线评估的候选模型（NDCG@10）',
  model: '模型',
  score: '得分',
  missesPerDay: '每日未答问题数',
  answeredRate: '回答率',
  topMisses: '最常见的未答问题（已分组）',
  question: '问题',
  count: '次数',
  numbers: '数据表',
  examples: '示例',
  addPhrasing: '加为该问答的另一种问法：',
  newFaq: '新建问答',
  answer: '回答',
  save: '保存',
  saved: '已保存，客服从现在起可以回答。',
  catalogSize: '商品总数',
  available: '在售',
  unavailable: '不可售',
  withoutRecommendations: '没有相似推荐的商品',
  pinnedUnavailable: '仍被规则置顶的不可售商品',
  rules: '规则及其影响',
  action: '动作',
  target: '对象',
  effect: '影响',
  schedule: '生效',
  always: '一直',
  expired: '已过期',
  scheduled: '尚未开始',
  active: '生效中',
  itemsAffected: '件商品受影响',
  missing: '不在商品库中',
  none: '无。',
  segments: '人群分组',
  campaigns: '营销活动',
  language: 'English',
};

/** The labels of a language. */
export function labels(lang: Lang): Labels {
  return lang === 'zh' ? ZH : EN;
}

/** The language of a request: explicit choice, then the cookie, then `Accept-Language`. */
export function chooseLang(query: string | undefined, cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  for (const choice of [query, cookie]) if (choice === 'en' || choice === 'zh') return choice;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
