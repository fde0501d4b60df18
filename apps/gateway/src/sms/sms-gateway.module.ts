import { Module } from '@nestjs/common';
import { CaptchaSessions, SmsMessagesRepository } from '#libs/persistence';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { SendSmsCodeUseCase } from './send-sms-code.use-case.js';
import { SmsCodeHasher } from './sms-policy.js';
import { SmsController } from './sms.controller.js';
import { VerifySmsCodeUseCase } from './verify-sms-code.use-case.js';

/** The SMS SDK API (the platform's providers and the SDK admission are global). */
@Module({
  controllers: [SmsController],
  providers: [
    SendSmsCodeUseCase,
    VerifySmsCodeUseCase,
    SmsMessagesRepository,
    CaptchaSessions,
    {
      provide: SmsCodeHasher,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) => new SmsCodeHasher(config.masterKey),
    },
  ],
})
export class SmsGatewayModule {}
