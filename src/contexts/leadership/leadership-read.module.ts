import { Module } from '@nestjs/common';

/** Leadership: read side (projections, query handlers, query controllers). */
@Module({})
export class LeadershipReadModule {}
