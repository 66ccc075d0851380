// The shell scripts are embedded in the binary as text:
//   import zsh from "../../../shell/cmdai.zsh" with { type: "text" };
declare module "*.sh" {
  const text: string;
  export default text;
}
declare module "*.zsh" {
  const text: string;
  export default text;
}
declare module "*.bash" {
  const text: string;
  export default text;
}
declare module "*.fish" {
  const text: string;
  export default text;
}
