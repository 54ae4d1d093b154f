import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A throw-away project root for synth tests; removed by `cleanup()`. */
export class Workspace {
  public readonly root: string;

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-test-'));
  }

  /** Writes a file below the root and returns its absolute path. */
  public write(relative: string, content: string): string {
    const file = path.join(this.root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  }

  /** Every file below `relative` as relative path → content (sorted). */
  public snapshot(relative = '.'): Record<string, string> {
    const base = path.join(this.root, relative);
    const result: Record<string, string> = {};
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else result[path.relative(base, full)] = fs.readFileSync(full, 'utf8');
      }
    };
    walk(base);
    return result;
  }

  /** Names in the root folder (to spot leftover staging folders). */
  public entries(): string[] {
    return fs.readdirSync(this.root).sort();
  }

  public cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
