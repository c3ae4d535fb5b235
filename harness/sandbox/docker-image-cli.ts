// The docker backend's image as a command, for CI and by hand (a module of its
// own: a main guard inside docker-image.ts would also fire in any bundle that
// includes it, such as the reaper's, where every module shares one URL).
//   npx tsx harness/sandbox/docker-image-cli.ts --build     build the image if it is missing (prints the tag)
//   npx tsx harness/sandbox/docker-image-cli.ts --rebuild   build it even if present
//   npx tsx harness/sandbox/docker-image-cli.ts --tag       print the tag it would have
import { PrerequisiteError } from '../errors.ts';
import { buildImage, ensureImage, imageTag } from './docker-image.ts';

async function main(argv: string[]): Promise<number> {
  const { default: DockerCtor } = await import('dockerode');
  const docker = new DockerCtor();
  if (argv.includes('--tag')) {
    process.stdout.write(`${imageTag()}\n`);
    return 0;
  }
  if (argv.includes('--build') || argv.includes('--rebuild')) {
    try {
      await docker.ping();
    } catch (err) {
      process.stderr.write(`docker-image: no Docker engine answers (${(err as Error).message}); start dockerd first\n`);
      return 2;
    }
    const tag = argv.includes('--rebuild') ? await buildImage(docker) : await ensureImage(docker);
    process.stdout.write(`${tag}\n`);
    return 0;
  }
  process.stderr.write('usage: docker-image-cli.ts --build | --rebuild | --tag\n');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as Error & { hint?: string };
    process.stderr.write(`docker-image: ${e.message}\n${e.hint ? `  → ${e.hint}\n` : ''}`);
    process.exit(e instanceof PrerequisiteError ? 2 : 1);
  },
);
