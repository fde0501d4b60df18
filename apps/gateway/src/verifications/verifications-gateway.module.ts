import { Module } from '@nestjs/common';
import { VerificationsRepository } from '#libs/persistence';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { DirectoryModule } from '../directory/directory.module.js';
import { PolicyModule } from '../policy/policy.module.js';
import { VoiceGatewayModule } from '../voice/voice-gateway.module.js';
import { CheckVerificationUseCase } from './check-verification.use-case.js';
import { CreateVerificationUseCase } from './create-verification.use-case.js';
import { ResendVerificationUseCase } from './resend-verification.use-case.js';
import { VerificationGate } from './verification-gate.service.js';
import { VerificationCodeHasher } from './verification-policy.js';
import { VerificationsController } from './verifications.controller.js';

/** The verification API (/api/v3/verifications): AKSK authentication from the voice API, the platform's providers are global. */
@Module({
  imports: [DirectoryModule, PolicyModule, VoiceGatewayModule],
  controllers: [VerificationsController],
  providers: [
    VerificationGate,
    CreateVerificationUseCase,
    CheckVerificationUseCase,
    ResendVerificationUseCase,
    VerificationsRepository,
    {
      provide: VerificationCodeHasher,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) => new VerificationCodeHasher(config.masterKey),
    },
  ],
})
export class VerificationsGatewayModule {}
