export function addKeywayFragment(project: string, fragment: string): string;
export function msiProjectCreated(projectFile: string): Promise<void>;
export default msiProjectCreated;
