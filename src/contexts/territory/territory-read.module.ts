import { Module } from '@nestjs/common';

/** Territory: read side (projections, query handlers, query controllers). */
@Module({})
export class TerritoryReadModule {}
