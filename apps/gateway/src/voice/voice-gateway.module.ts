import { Module } from '@nestjs/common';
import { CallSessionsRepository, VoiceWorkersRepository } from '#libs/persistence';
import { DirectoryModule } from '../directory/directory.module.js';
import { PolicyModule } from '../policy/policy.module.js';
import { AkskAuthenticator } from './aksk-authenticator.service.js';
import { AkskCallerService } from './aksk-caller.service.js';
import { AuthNoncesRepository } from './auth-nonces.repository.js';
import { CallVerifyController } from './call-verify.controller.js';
import { CallVerifyUseCase } from './call-verify.use-case.js';
import { RateCountersRepository } from './rate-counters.repository.js';
import { VoicePortGauge } from './voice-port-gauge.service.js';

/** The voice verification API (`/rest/`): AKSK authentication, admission, callVerify (the platform's providers are global). */
@Module({
  imports: [DirectoryModule, PolicyModule],
  controllers: [CallVerifyController],
  providers: [
    AkskAuthenticator,
    AkskCallerService,
    CallVerifyUseCase,
    VoicePortGauge,
    CallSessionsRepository,
    VoiceWorkersRepository,
    AuthNoncesRepository,
    RateCountersRepository,
  ],
  // The verification API authenticates as callVerify does.
  exports: [AkskAuthenticator, AkskCallerService],
})
export class VoiceGatewayModule {}
