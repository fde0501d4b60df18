import { Module } from '@nestjs/common';
import { AppDirectory } from './app-directory.service.js';
import { AppNumbersRepository } from './app-numbers.repository.js';
import { AppsRepository } from '#libs/persistence';
import { NumberListsRepository } from './number-lists.repository.js';

/** Apps with their numbers and lists: the tables, and the read-through cache the request path uses. */
@Module({
  providers: [AppDirectory, AppsRepository, AppNumbersRepository, NumberListsRepository],
  exports: [AppDirectory, AppsRepository, AppNumbersRepository, NumberListsRepository],
})
export class DirectoryModule {}
