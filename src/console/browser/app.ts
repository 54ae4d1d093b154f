import { BUILTIN_PROFILES } from '../../profiles/builtin-profiles';
import { renderProfile } from '../../outputs/render-profile';
const t0 = Date.now();
const r = renderProfile(BUILTIN_PROFILES[0]);
(globalThis as any).result = { files: [...r.files.keys()], ms: Date.now() - t0, text: [...r.files.values()].join('') };
