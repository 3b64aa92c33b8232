/**
 * The default designated LWCR Security.framework computes for signed code
 * ([SEC] LWCRHelper `copyDefaultDesignatedLWCRMaker`, spec §4): a bare
 * requirements dictionary, never stored in the signature.
 */
import { lw, type LwDict } from './value.js';

export interface DesignatedInputs {
  validationCategory: number;
  identifier?: string | undefined;
  teamIdentifier?: string | undefined;
  /** Every cdhash (20 bytes) of every architecture and hash type. */
  cdhashes: Uint8Array[];
}

/** Undefined where Apple returns nil: no identifier (or team) for categories 1–4 and 6, no cdhash otherwise. */
export function defaultDesignatedLwcr(i: DesignatedInputs): LwDict | undefined {
  const id = i.identifier;
  const team = i.teamIdentifier;
  const cat = i.validationCategory;
  switch (cat) {
    case 1:
    case 2:
      return id === undefined ? undefined : lw.dict([['validation-category', lw.int(cat)], ['signing-identifier', lw.str(id)]]);
    case 3:
    case 6:
      return id === undefined || team === undefined ? undefined : lw.dict([['validation-category', lw.int(cat)], ['signing-identifier', lw.str(id)], ['team-identifier', lw.str(team)]]);
    case 4:
      return id === undefined || team === undefined
        ? undefined
        : lw.dict([
            ['$or', lw.dict([['validation-category', lw.int(4)], ['$and', lw.dict([['validation-category', lw.int(6)], ['team-identifier', lw.str(team)]])]])],
            ['signing-identifier', lw.str(id)],
          ]);
    default:
      // 5, 7–10 and ad-hoc: pin the code itself.
      return i.cdhashes.length === 0 ? undefined : lw.dict([['cdhash', lw.dict([['$in', lw.array(i.cdhashes.map((h) => lw.data(h)))]])]]);
  }
}
