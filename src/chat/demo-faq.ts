/**
 * The demo shop's FAQ, written for this project (no third-party text): 24
 * topics in English and Chinese, each with alternative phrasings. The start
 * script imports it through the admin API.
 */
import type { FaqInput } from './faq-schema.ts';

type Side = [question: string, alternatives: string[], answer: string];

function topic(id: string, tags: string[], en: Side, zh: Side): FaqInput[] {
  const make = (lang: 'en' | 'zh', [question, alternatives, answer]: Side): FaqInput => ({
    id: `${id}-${lang}`,
    question,
    alternatives,
    answer,
    tags,
    lang,
    enabled: true,
  });
  return [make('en', en), make('zh', zh)];
}

/** The demo FAQ entries (48: 24 topics x 2 languages). */
export const DEMO_FAQ: FaqInput[] = [
  ...topic(
    'delivery-time',
    ['shipping'],
    [
      'How long does delivery take?',
      ['When will my order arrive?', 'How many days until my parcel is delivered?', 'What is the delivery time?'],
      'Orders placed before 4 pm ship the same working day. Standard delivery takes 2-4 working days, express delivery 1-2 working days.',
    ],
    [
      '多久能收到货？',
      ['下单后几天到货', '什么时候发货', '快递一般几天到', '配送需要多长时间'],
      '工作日16点前下单当天发货。普通快递2-4个工作日送达，加急快递1-2个工作日送达。',
    ],
  ),
  ...topic(
    'shipping-cost',
    ['shipping'],
    [
      'How much does shipping cost?',
      ['Is shipping free?', 'What are the delivery charges?', 'Do you offer free delivery?'],
      'Standard shipping is free for orders over 49 EUR; below that it costs 4.90 EUR. Express delivery costs 9.90 EUR.',
    ],
    ['运费怎么算？', ['包邮吗', '满多少包邮', '运费多少钱', '邮费谁出'], '订单满99元包邮，不满99元收取8元运费。加急配送另收15元。'],
  ),
  ...topic(
    'international-shipping',
    ['shipping'],
    [
      'Do you ship abroad?',
      ['Can you deliver to another country?', 'Do you offer international shipping?', 'Which countries do you ship to?'],
      'We ship to all EU countries, the UK, Switzerland, the US and Canada. Customs duties outside the EU are paid by the recipient.',
    ],
    ['可以寄到国外吗？', ['支持海外配送吗', '能发到港澳台吗', '国际快递怎么收费'], '支持配送至港澳台及部分海外国家和地区，运费按重量计算，关税由收件人承担。'],
  ),
  ...topic(
    'track-order',
    ['shipping', 'orders'],
    [
      'How can I track my order?',
      ['Where is my parcel?', 'Where is my package right now?', 'Can I get a tracking number?', 'My order has not arrived yet'],
      'As soon as your order ships we email you a tracking link. You can also follow it under Account > Orders.',
    ],
    [
      '怎么查物流？',
      ['我的快递到哪了', '订单怎么还没到', '怎么查看快递单号', '查询物流信息'],
      '订单发货后会短信通知您快递单号，也可以在"我的订单"中查看物流详情。',
    ],
  ),
  ...topic(
    'change-address',
    ['shipping', 'order-changes'],
    [
      'Can I change the delivery address?',
      ['I entered the wrong shipping address', 'How do I update my address on an order?', 'Send my order to a different address'],
      'You can change the address under Account > Orders as long as the order has not shipped. After shipping, contact us and we will ask the carrier to redirect it.',
    ],
    [
      '怎么修改收货地址？',
      ['地址填错了怎么办', '下单后能改地址吗', '更换收货人信息'],
      '订单发货前可在"我的订单"中修改收货地址；已发货的订单请联系客服，我们会尝试联系快递改派。',
    ],
  ),
  ...topic(
    'missing-item',
    ['shipping', 'returns'],
    [
      'An item is missing from my parcel',
      ['I did not receive all items', 'My package arrived incomplete', 'Part of my order is missing'],
      'Large orders sometimes ship in several parcels; check your emails for a second tracking number. If nothing else is on its way, tell us within 14 days and we will send the missing item.',
    ],
    [
      '收到的包裹少了商品',
      ['少发了一件', '漏发了怎么办', '包裹里东西不全'],
      '大订单可能分多个包裹发出，请留意短信中的其他快递单号。如确认漏发，请在签收后14天内联系客服补发。',
    ],
  ),
  ...topic(
    'return-policy',
    ['returns'],
    [
      'What is your return policy?',
      ['Can I return an item?', 'How many days do I have to return something?', 'Do you accept returns?'],
      'You can return unused items in their original packaging within 30 days of delivery.',
    ],
    ['退货政策是什么？', ['可以退货吗', '支持七天无理由退货吗', '多少天内可以退'], '签收后30天内，商品未使用且包装完好，均可申请无理由退货。'],
  ),
  ...topic(
    'how-to-return',
    ['returns'],
    [
      'How do I return an item?',
      ['How do I send back my order?', 'Where do I get a return label?', 'What is the return process?'],
      'Start a return under Account > Orders > Return, print the prepaid label and drop the parcel at any post office.',
    ],
    ['怎么申请退货？', ['退货流程是什么', '如何寄回商品', '退货地址在哪里'], '在"我的订单"中点击"申请退货"，填写原因后按页面提示寄回商品即可。'],
  ),
  ...topic(
    'return-cost',
    ['returns'],
    [
      'Do I have to pay for return shipping?',
      ['Are returns free?', 'Who pays the return postage?', 'How much does a return cost?'],
      'Returns within the EU are free. From other countries the return shipping is paid by the customer.',
    ],
    [
      '退货运费谁承担？',
      ['退货要自己付运费吗', '退货运费多少', '退货免运费吗'],
      '商品质量问题退货运费由我们承担；无理由退货的寄回运费由买家承担，购买了运费险的可获赔付。',
    ],
  ),
  ...topic(
    'refund-time',
    ['returns', 'refunds'],
    [
      'When will I get my refund?',
      ['How long does a refund take?', 'I returned my order but have not received my money back', 'Refund status'],
      'We refund within 5 working days after your return reaches our warehouse. Your bank may take 3-5 more days to show it.',
    ],
    [
      '退款多久到账？',
      ['退款什么时候到', '退货后多久退钱', '钱怎么还没退回来', '查看退款进度'],
      '仓库收到退货后5个工作日内办理退款，原路退回，银行到账通常还需1-3个工作日。',
    ],
  ),
  ...topic(
    'refund-method',
    ['refunds'],
    [
      'How will I be refunded?',
      ['Do you refund to my card?', 'Can I get store credit instead of a refund?', 'Which payment method is the refund sent to?'],
      'Refunds go back to the payment method you used. On request we issue a voucher instead, with 10% extra.',
    ],
    ['退款退到哪里？', ['退款是原路返回吗', '可以退到余额吗', '退款方式有哪些'], '退款原路返回到您的付款账户；如需退到账户余额，请联系客服。'],
  ),
  ...topic(
    'exchange',
    ['returns'],
    [
      'Can I exchange an item for another size?',
      ['The size does not fit, can I swap it?', 'How do I exchange a product?', 'I want a different colour'],
      'Yes: start a return and choose "Exchange", then pick the new size or colour. We ship the replacement as soon as the return is scanned.',
    ],
    ['可以换货吗？', ['尺码不合适能换吗', '怎么换颜色', '换货流程'], '可以。在"我的订单"中申请换货，选择新的尺码或颜色，我们收到退回商品后立即发出新货。'],
  ),
  ...topic(
    'damaged-item',
    ['returns'],
    [
      'My item arrived damaged',
      ['The product is broken', 'I received a defective item', 'What can I do about a faulty product?'],
      'Sorry about that! Send us a photo from Account > Orders > Report a problem within 14 days; we replace it or refund you, and you do not pay for the return.',
    ],
    [
      '收到的商品坏了怎么办？',
      ['商品有质量问题', '收到货是破损的', '东西有瑕疵'],
      '非常抱歉！请在签收后14天内在"我的订单"中上传照片申请售后，我们将为您换新或退款，运费由我们承担。',
    ],
  ),
  ...topic(
    'payment-methods',
    ['payment'],
    [
      'Which payment methods do you accept?',
      ['Can I pay with PayPal?', 'Do you take credit cards?', 'How can I pay?'],
      'We accept Visa, Mastercard, American Express, PayPal, Apple Pay, Google Pay and bank transfer.',
    ],
    ['支持哪些付款方式？', ['可以用支付宝吗', '能用微信支付吗', '支持信用卡吗', '怎么付款'], '支持支付宝、微信支付、银联卡和信用卡付款。'],
  ),
  ...topic(
    'payment-failed',
    ['payment'],
    [
      'My payment failed',
      ['Why was my card declined?', 'I cannot complete the payment', 'Payment error at checkout'],
      'Check the card details and the 3-D Secure confirmation in your banking app. If it still fails, try another payment method; no money is taken for a failed payment.',
    ],
    [
      '付款失败怎么办？',
      ['支付不成功', '为什么付不了款', '扣款了但订单没成功'],
      '请确认银行卡余额和支付限额后重试，或更换支付方式。如已扣款但订单未成功，款项将在1-3个工作日内自动退回。',
    ],
  ),
  ...topic(
    'installments',
    ['payment'],
    [
      'Can I pay in installments?',
      ['Do you offer buy now pay later?', 'Can I split the payment?', 'Is there a payment plan?'],
      'Yes, with Klarna you can pay in 3 interest-free installments for orders over 100 EUR.',
    ],
    ['可以分期付款吗？', ['支持花呗分期吗', '能用信用卡分期吗', '分期有手续费吗'], '支持花呗和信用卡分期，满300元可享3期免息。'],
  ),
  ...topic(
    'cancel-order',
    ['order-changes'],
    [
      'How do I cancel my order?',
      ['I want to cancel an order', 'Can I still cancel my purchase?', 'Cancel order please'],
      'Orders can be cancelled under Account > Orders until they ship. Once shipped, you can return the parcel instead.',
    ],
    [
      '怎么取消订单？',
      ['订单不想要了', '下错单了能取消吗', '申请取消订单'],
      '订单发货前可在"我的订单"中直接取消，款项原路退回；已发货的订单请在收货后申请退货。',
    ],
  ),
  ...topic(
    'change-order',
    ['order-changes'],
    [
      'Can I change my order?',
      ['I want to add an item to my order', 'How do I modify an order after placing it?', 'Change the size in my order'],
      'Orders cannot be edited once placed. If it has not shipped yet, cancel it and order again; your coupon is returned to your account.',
    ],
    [
      '下单后可以修改订单吗？',
      ['怎么修改订单商品', '想加购一件能合并订单吗', '订单尺码选错了'],
      '订单提交后无法修改商品。未发货前可取消订单后重新下单，使用的优惠券会退回账户。',
    ],
  ),
  ...topic(
    'reset-password',
    ['account'],
    [
      'I forgot my password',
      ['How do I reset my password?', 'I cannot log in to my account', 'Password reset email not received'],
      'Click "Forgot password" on the login page and follow the link we email you. The link is valid for one hour; check your spam folder.',
    ],
    ['忘记密码怎么办？', ['怎么重置密码', '登录不了账号', '修改登录密码'], '在登录页点击"忘记密码"，通过手机验证码即可重置密码。'],
  ),
  ...topic(
    'account-details',
    ['account'],
    [
      'How do I change my email address or phone number?',
      ['Update my account details', 'Change the phone number on my account', 'Edit my profile'],
      'Go to Account > Profile to edit your name, email address and phone number. A new email address must be confirmed by a link.',
    ],
    ['怎么修改手机号？', ['更换绑定手机', '修改账户信息', '换绑邮箱'], '在"账户设置-个人资料"中修改手机号或邮箱，需通过原手机号验证。'],
  ),
  ...topic(
    'delete-account',
    ['account'],
    [
      'How do I delete my account?',
      ['Close my account', 'Remove my personal data', 'I want to deactivate my account'],
      'Go to Account > Privacy > Delete account. Your personal data is erased within 30 days; invoices are kept as the law requires.',
    ],
    ['怎么注销账号？', ['删除我的账户', '注销会员', '删除个人信息'], '在"账户设置-隐私"中申请注销，个人信息将在30天内删除，依法需保留的发票记录除外。'],
  ),
  ...topic(
    'invoice',
    ['invoices'],
    [
      'How do I get an invoice?',
      ['Where can I download my invoice?', 'I need a receipt for my order', 'Can you send me the bill?'],
      'Every order comes with a PDF invoice by email; you can also download it under Account > Orders > Invoice.',
    ],
    [
      '怎么开发票？',
      ['可以开发票吗', '发票在哪里下载', '需要电子发票', '怎么申请开票'],
      '下单时可选择开具电子发票，发货后发送至您的邮箱，也可在"我的订单"中申请补开。',
    ],
  ),
  ...topic(
    'company-invoice',
    ['invoices'],
    [
      'Can I get an invoice with my company VAT number?',
      ['Business invoice with VAT ID', 'Add my company name to the invoice', 'Invoice for my business'],
      'Add your company name and VAT number at checkout, or ask us within 30 days to reissue the invoice with them.',
    ],
    [
      '可以开增值税专用发票吗？',
      ['开公司抬头发票', '发票抬头写错了', '开专票需要什么信息'],
      '可以。请在下单时填写公司名称和税号；抬头有误可在30天内联系客服重开。',
    ],
  ),
  ...topic(
    'coupon',
    ['promotions'],
    [
      'Why does my discount code not work?',
      ['My coupon is not accepted', 'Promo code invalid', 'How do I use a voucher?'],
      'Check the minimum order value and the expiry date of the code; sale items are often excluded. Enter the code in the basket, one code per order.',
    ],
    [
      '优惠券为什么用不了？',
      ['优惠码无效', '怎么使用优惠券', '红包不能用'],
      '请检查优惠券的使用门槛、有效期和适用商品，特价商品通常不参与。每个订单限用一张优惠券。',
    ],
  ),
].flat();
