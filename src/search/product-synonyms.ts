/**
 * Product vocabulary every shop's search starts with, added to the shop's own synonym groups
 * (the chat's list, `PUT /v1/chat/synonyms`): shoppers and catalogs name the same things
 * differently, across English and Chinese. Written from general shop vocabulary, not from an
 * evaluation set.
 */
export const PRODUCT_SYNONYMS: string[][] = [
  ['earbuds', 'earphones', 'in-ear headphones'],
  ['headphones', 'headset', '耳机'],
  ['smartphone', 'mobile phone', 'cell phone', 'cellphone', '手机'],
  ['tv', 'television', '电视'],
  ['laptop', 'notebook computer', '笔记本电脑'],
  ['sneakers', 'trainers', '运动鞋'],
  ['t-shirt', 'tee', 'tshirt', 'T恤'],
  ['sofa', 'couch', '沙发'],
  ['matcha', '抹茶'],
  ['green tea', '绿茶'],
  ['black tea', '红茶'],
  ['oolong', '乌龙'],
  ['coffee', '咖啡'],
  ['espresso', '意式浓缩'],
  ['mug', 'cup', '杯子'],
  ['kettle', '水壶'],
  ['sunscreen', 'sunblock', '防晒霜'],
  ['moisturizer', 'moisturiser', 'face cream', '面霜'],
  ['backpack', 'rucksack', '背包'],
  ['bottle', 'flask'],
  ['gift', 'present', '礼物'],
];
