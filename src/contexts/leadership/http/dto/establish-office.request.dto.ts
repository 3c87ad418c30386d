import { LIMITS, slugProperty, textProperty } from '../../../../shared/http/dto/fact.dto.js';

export class EstablishOfficeRequestDto {
  @slugProperty('The office id.', 'president-of-syria')
  officeId!: string;

  @textProperty('Title of the office.', LIMITS.title, 'President of Syria')
  title!: string;

  @textProperty('Where the office holds authority.', LIMITS.jurisdiction, 'Syria')
  jurisdiction!: string;
}
