// Application platforms: deleting apps, sites and their databases.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

export const cloudPaas: Pack = {
  name: "cloud-paas",
  description: "application platforms: Heroku, Fly.io, Vercel, Netlify, Railway, Render, DigitalOcean",
  rules: [
    rule(
      "cloud-paas.app-destroy",
      "high",
      "destroys an app, site or its database on a hosting platform",
      {
        program: [
          "heroku",
          "fly",
          "flyctl",
          "vercel",
          "netlify",
          "railway",
          "render",
          "doctl",
          "wrangler",
          "dokku",
          "caprover",
          "scalingo",
          "cf",
        ],
        word: "apps:destroy|addons:destroy|pg:reset|destroy|remove|rm|delete|sites:delete|apps:destroy|down|purge|delete-space|delete-org|apps:delete|postgres:destroy|volumes",
        unless: ["--help", "-h", "list", "ls"],
      },
      [
        "heroku apps:destroy --app x --confirm x",
        "heroku pg:reset DATABASE_URL --confirm x",
        "fly apps destroy web -y",
        "flyctl volumes destroy vol_1 -y",
        "vercel remove web --yes",
        "netlify sites:delete 1234",
        "railway down",
        "wrangler delete",
        "doctl databases delete db1 -f",
        "cf delete app -f",
      ],
      ["heroku apps", "fly status", "vercel ls", "netlify status", "wrangler r2 object get b/k", "wrangler d1 info db"],
    ),
    rule(
      "cloud-paas.scale-zero",
      "high",
      "scales an app to zero instances: it stops serving",
      { program: ["heroku", "fly", "flyctl"], word: "ps:scale|scale|web=0|count", operand: ".*=0|0" },
      ["heroku ps:scale web=0", "fly scale count 0"],
      ["heroku ps:scale web=2", "fly scale count 3"],
    ),
    rule(
      "cloud-paas.env-unset",
      "high",
      "deletes an app's environment variables or secrets (their values cannot be read back)",
      {
        program: ["heroku", "netlify", "fly", "flyctl", "railway", "render"],
        word: "config:unset|env:unset|env:delete|env:rm|unset|secrets:unset",
      },
      ["netlify env:unset API_KEY", "heroku config:unset SECRET_KEY -a app", "fly secrets unset DATABASE_URL"],
      ["netlify env:list", "heroku config:get SECRET_KEY", "fly secrets list"],
    ),
    rule(
      "cloud-paas.credentials-destroy",
      "high",
      "destroys or rotates an app's OAuth client or resets its repository: integrations that use it break",
      { program: ["heroku"], sub: ["clients:destroy|clients:rotate|repo:reset|authorizations:revoke|authorizations:rotate|keys:clear"] },
      ["heroku clients:destroy abc", "heroku clients:rotate abc", "heroku repo:reset -a app"],
      ["heroku clients", "heroku repo:gc -a app"],
    ),
    rule(
      "cloud-paas.app-change",
      "moderate",
      "stops an app's processes, puts it in maintenance, or changes who can reach it",
      {
        program: ["heroku", "netlify"],
        sub: [
          "ps:stop|ps:kill|ps:restart|maintenance:on|members:remove|container:rm|apps:leave|addons:detach|access:remove|access:update|apps:rename|features:disable|clients:update|env:clone|env:import|domains:remove|certs:remove",
        ],
      },
      ["heroku ps:stop web", "heroku maintenance:on -a app", "heroku access:remove bob@x.com -a app", "netlify env:clone --to other"],
      ["heroku ps", "heroku maintenance", "netlify env:list"],
    ),
    rule(
      "cloud-paas.vercel-env-rm",
      "high",
      "deletes an app's environment variables (their values cannot be read back)",
      { program: ["vercel", "vc"], sub: ["env", "rm|remove"] },
      ["vercel env rm API_KEY production --yes"],
      ["vercel env ls", "vercel env pull"],
    ),
  ],
};
