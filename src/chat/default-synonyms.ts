/**
 * The synonym groups a new shop starts with: everyday e-commerce and
 * customer-service vocabulary in English and Chinese (orders, shipping,
 * refunds, invoices, accounts, sign-in, contact). The shop edits them through
 * the admin API (they then replace this list); the index applies them on
 * both sides.
 *
 * Written from general shop vocabulary, not from any evaluation set. Terms
 * of an earlier list that existed only because of Bitext errors (acquire,
 * article, see/view/check, download/obtain, penalty, compensation,
 * destination, user, how soon/when, cancel = delete) were removed; see
 * src/chat/README.md. Do not add a term because an evaluation query missed.
 */
export const DEFAULT_SYNONYMS: string[][] = [
  ['order', 'purchase', 'buy'],
  ['item', 'product', 'goods'],
  ['cancel', 'call off'],
  ['delete', 'remove', 'close', 'deactivate', 'terminate', 'erase'],
  ['change', 'modify', 'edit', 'update', 'amend', 'alter'],
  ['find', 'locate', 'look up'],
  ['invoice', 'bill', 'receipt'],
  ['refund', 'reimbursement', 'reimburse', 'money back', 'repayment'],
  ['fee', 'charge', 'cost'],
  ['ship', 'deliver', 'delivery', 'shipping', 'shipment', 'dispatch'],
  ['parcel', 'package'],
  ['track', 'trace'],
  ['return', 'send back'],
  ['exchange', 'replace', 'replacement'],
  ['broken', 'damaged', 'defective', 'faulty'],
  ['wrong', 'incorrect'],
  ['late', 'delayed'],
  ['warranty', 'guarantee'],
  ['account', 'profile'],
  ['sign up', 'signup', 'register', 'registration'],
  ['sign in', 'signin', 'log in', 'login', 'log on', 'logon'],
  ['password', 'passcode', 'pwd'],
  ['human', 'person', 'agent', 'representative', 'operator', 'someone', 'somebody'],
  ['customer service', 'customer support', 'customer care', 'helpdesk', 'help desk'],
  ['complaint', 'complain'],
  ['voucher', 'coupon', 'promo code', 'discount code'],
  ['newsletter', 'mailing list'],
  ['email', 'e-mail'],
  ['phone', 'telephone'],
  ['退款', '退钱', '返款'],
  ['退货', '退换货', '退回'],
  ['发票', '收据', '开票'],
  ['快递', '物流', '包裹', '配送'],
  ['运费', '邮费', '快递费'],
  ['订单', '单子'],
  ['取消', '撤销', '作废'],
  ['修改', '更改', '更换', '改'],
  ['优惠券', '券', '折扣码', '红包'],
  ['人工', '客服', '真人', '人工客服'],
  ['账号', '账户', '帐号', '帐户'],
  ['密码', '登录密码'],
  ['付款', '支付', '付钱'],
];
