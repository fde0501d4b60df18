import { describe, expect, it } from '@jest/globals';
import { formOf, patchOf } from './app-form.js';
import type { AppView } from './types.js';

const app: AppView = {
  appKey: 'k',
  name: 'shop',
  signature: null,
  status: 'normal',
  permissions: ['captcha', 'sms', 'voice'],
  ipWhitelist: ['10.0.0.0/8'],
  restHours: null,
  voicePorts: null,
  limits: { callsPerDay: 100 },
  stage: 'commercial',
  smsStatusUrl: null,
  captchaPow: true,
  captchaUnderAttack: false,
  webhookSigning: { enabled: false, previousSecretValidUntil: null },
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
};

describe('app settings form', () => {
  it('sends nothing when nothing changed', () => {
    expect(patchOf(app, formOf(app))).toEqual({});
  });

  it('sends only the changed fields, a cleared limit as null', () => {
    const form = formOf(app);
    form.permissions = ['voice', 'captcha'];
    form.ipWhitelist = '10.0.0.0/8\n 192.0.2.7 \n\n';
    form.restHoursOn = true;
    form.restFrom = '22:00';
    form.restTo = '07:30';
    form.restTz = 'Asia/Shanghai';
    form.voicePorts = '4';
    form.limits.callsPerDay = '';
    form.limits.apiPerMinute = '600';
    expect(patchOf(app, form)).toEqual({
      permissions: ['captcha', 'voice'],
      ipWhitelist: ['10.0.0.0/8', '192.0.2.7'],
      restHours: { from: '22:00', to: '07:30', tz: 'Asia/Shanghai' },
      voicePorts: 4,
      limits: { apiPerMinute: 600, callsPerDay: null },
    });
  });

  it('keeps a status URL shown with ***@ credentials unless it is changed; empty clears it', () => {
    const withUrl = { ...app, smsStatusUrl: 'https://***@hooks.example/sms' };
    const form = formOf(withUrl);
    expect(patchOf(withUrl, form)).toEqual({});
    form.smsStatusUrl = '';
    expect(patchOf(withUrl, form)).toEqual({ smsStatusUrl: null });
  });

  it('turns rest hours off with null', () => {
    const withRest = { ...app, restHours: { from: '22:00', to: '08:00', tz: 'UTC' } };
    const form = formOf(withRest);
    form.restHoursOn = false;
    expect(patchOf(withRest, form)).toEqual({ restHours: null });
  });

  it('names a field that is not a whole number', () => {
    const form = formOf(app);
    form.limits.smsDailyBudget = '12.5';
    expect(() => patchOf(app, form)).toThrow('SMS daily budget must be a whole number');
  });
});
