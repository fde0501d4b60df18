import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '#libs/platform';
import type { JsonLogger, PlatformConfig } from '#libs/runtime';
import { CallSessionsRepository } from './calls/call-sessions.repository.js';
import { PlaceCallConsumer } from './calls/place-call.consumer.js';
import { PlaceCallUseCase } from './calls/place-call.use-case.js';
import { CARRIER, type Carrier } from './carriers/carrier.js';
import { SimCarrier } from './carriers/sim/sim.carrier.js';
import { VoicePortsService } from './ports/voice-ports.service.js';
import { OrphanSweeperService } from './recovery/orphan-sweeper.service.js';

function createCarrier(config: PlatformConfig): Carrier {
  switch (config.voice.carrier) {
    case 'sim':
      return new SimCarrier({ ringMs: config.voice.simRingMs, promptMs: config.voice.simPromptMs });
  }
}

@Module({})
export class VoiceModule {
  static register(config: PlatformConfig, logger: JsonLogger): DynamicModule {
    return {
      module: VoiceModule,
      imports: [PlatformModule.register({ config, logger, poolSize: 10, runOutboxRelay: true })],
      providers: [
        { provide: CARRIER, useValue: createCarrier(config) },
        CallSessionsRepository,
        VoicePortsService,
        PlaceCallUseCase,
        PlaceCallConsumer,
        OrphanSweeperService,
      ],
    };
  }
}
