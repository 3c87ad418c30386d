import { aliasesProperty, LIMITS, slugProperty, textProperty } from '../../../../shared/http/dto/fact.dto.js';

export class RegisterFactionRequestDto {
  @slugProperty('The faction id.', 'hts')
  factionId!: string;

  @textProperty('Display name.', LIMITS.name, 'Hayat Tahrir al-Sham')
  name!: string;

  @aliasesProperty()
  aliases?: string[];
}
