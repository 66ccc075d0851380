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
        word: "apps:destroy|addons:destroy|pg:reset|destroy|remove|rm|delete|sites:delete|apps:destroy|down|d1|r2|kv:namespace|purge|delete-space|delete-org|apps:delete|postgres:destroy|volumes",
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
      ["heroku apps", "fly status", "vercel ls", "netlify status"],
    ),
    rule(
      "cloud-paas.scale-zero",
      "high",
      "scales an app to zero instances: it stops serving",
      { program: ["heroku", "fly", "flyctl"], word: "ps:scale|scale|web=0|count", operand: ".*=0|0" },
      ["heroku ps:scale web=0", "fly scale count 0"],
      ["heroku ps:scale web=2", "fly scale count 3"],
    ),
  ],
};
