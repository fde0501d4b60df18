import { Controller, Get, Query, UseFilters, UseGuards } from '@nestjs/common';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { overviewMinutes } from './overview-figures.js';
import { OverviewService } from './overview.service.js';

/**
 * `GET /admin/v1/overview?minutes=30`: the console's live figures (read only, so not audited):
 * per-minute calls, SMS and captchas, answer and delivery counts, webhook backlog and failures,
 * idle voice ports, refused requests by result code.
 */
@Controller('admin/v1/overview')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  @Get()
  figures(@Query('minutes') minutes?: string) {
    return this.overview.figures(overviewMinutes(minutes));
  }
}
