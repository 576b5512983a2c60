import { rnnkitProject } from '../../vitest.shared.js';

export default rnnkitProject('example-tokenize-moby-dick');
