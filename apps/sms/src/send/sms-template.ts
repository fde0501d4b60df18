import type { SdkLanguage, SmsType } from '#libs/contracts';

/** What the code is for, as the text names it. */
const PURPOSES: Record<SmsType, Record<SdkLanguage, string>> = {
  REGISTER_SMS: { zh: '注册', en: 'registration' },
  LOGIN_SMS: { zh: '登录', en: 'login' },
  FORGET_PWD_SMS: { zh: '找回密码', en: 'password reset' },
  BIND_MOBILE_SMS: { zh: '绑定手机号', en: 'phone binding' },
  UPDATE_MOBILE_SMS: { zh: '修改手机号', en: 'phone number change' },
  OTP_REST_SMS: { zh: '身份验证', en: 'two-step verification' },
};

export interface SmsTextInput {
  type: SmsType;
  lang: SdkLanguage;
  /** The app's signature (or its name when it has none). */
  signature: string;
  code: string;
  ttlSeconds: number;
}

/**
 * The text of a verification SMS: the app's signature in the form carriers expect for the
 * language (【…】 in Chinese, […] in English), the purpose, the code and its validity. Short
 * enough for one segment with any reasonable signature (70 UCS-2 / 160 GSM characters).
 */
export function renderSmsText(input: SmsTextInput): string {
  const purpose = PURPOSES[input.type][input.lang];
  const minutes = Math.max(1, Math.round(input.ttlSeconds / 60));
  if (input.lang === 'zh')
    return `【${input.signature}】您的${purpose}验证码是${input.code}，${minutes}分钟内有效。请勿泄露给他人。`;
  return `[${input.signature}] Your ${purpose} code is ${input.code}. Valid for ${minutes} min. Never share it.`;
}
