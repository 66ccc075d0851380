// Databases beyond SQL text (rules/dev.ts): key-value stores, migration and
// framework commands that drop or reset whole databases.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

export const databases: Pack = {
  name: "databases",
  description: "databases: framework resets and drops, key-value stores, restores that drop first",
  rules: [
    rule("databases.framework-reset", "high", "drops, resets or empties the application's database",
      { program: ["rails", "rake", "bin/rails", "php", "bundle", "npx", "yarn", "pnpm", "bunx", "prisma", "sequelize", "knex", "typeorm", "diesel", "sqlx", "flask", "alembic", "mix", "dotnet", "supabase", "drizzle-kit"],
        word: "db:drop|db:reset|db:schema:load|db:purge|db:migrate:reset|db:seed:undo:all|migrate:fresh|migrate:reset|migrate:rollback|db:wipe|schema:drop|ecto\\.drop|ecto\\.reset|downgrade|--force-reset|reset|drop" },
      ["rails db:drop", "bin/rails db:reset", "rake db:schema:load", "php artisan migrate:fresh --force", "npx prisma migrate reset --force", "npx prisma db push --force-reset", "npx sequelize db:drop", "diesel database reset", "mix ecto.reset", "alembic downgrade base", "supabase db reset", "typeorm schema:drop"],
      ["rails db:migrate", "npx prisma generate", "php artisan migrate:status", "alembic upgrade head"]),
    rule("databases.django-flush", "high", "deletes every row of the application's database",
      { program: ["python", "python3", "django-admin"], word: "flush|reset_db|sqlflush" , operand: "manage\\.py|flush|reset_db" },
      ["python manage.py flush --noinput", "python3 manage.py reset_db", "django-admin flush"], ["python manage.py migrate", "python manage.py runserver"]),
    rule("databases.restore-drop", "high", "restores a dump by first dropping what exists",
      { program: ["mongorestore", "pg_restore"], flags: [["--drop", "-c", "--clean"]] },
      ["mongorestore --drop dump/", "pg_restore --clean -d app db.dump", "pg_restore -c -d app x.dump"], ["pg_restore -l db.dump", "mongorestore dump/"]),
    rule("databases.kv-delete-all", "high", "deletes every key under a prefix, or a whole bucket or keyspace",
      { program: ["etcdctl", "consul", "nats"], sub: ["del|delete|rm|kv|stream|purge"], word: "--prefix|-recurse|--from-key|purge" },
      ["etcdctl del --prefix ''", "etcdctl del / --from-key", "consul kv delete -recurse app/", "nats stream purge orders -f"], ["etcdctl get --prefix /app", "consul kv get app/x", "consul kv delete app/key"]),
    rule("databases.mongo-drop", "high", "drops a MongoDB database or collection",
      { program: ["mongo", "mongosh"], word: ".*\\.drop(Database)?\\(\\).*|.*deleteMany\\(\\{\\}\\).*" },
      ["mongosh app --eval 'db.users.drop()'", "mongo --eval 'db.dropDatabase()'"], ["mongosh --eval 'db.users.find()'"]),
    rule("databases.elastic-delete", "high", "deletes indexes or every document through a database's HTTP API",
      { program: ["curl", "http", "xh", "wget"], option: { names: ["-X", "--request", "--method"], value: "DELETE|delete" }, word: "(https?://)?[^ ]*(:9200|:5984|:8086|:7474|:9000|/_all|/_data|elastic|opensearch|couch)[^ ]*" },
      ["curl -X DELETE 'http://localhost:9200/_all'", "curl -XDELETE http://es:9200/logs-*", "curl -X DELETE http://admin:pw@127.0.0.1:5984/app"], ["curl http://localhost:9200/_cat/indices", "curl -X DELETE https://api.example.com/items/3"]),
      rule("databases.messaging-delete", "high", "deletes topics or queues, purges their messages, or resets a broker",
      { program: ["kafka-topics", "kafka-topics.sh", "kafka-consumer-groups", "kafka-consumer-groups.sh", "rabbitmqctl", "rabbitmqadmin", "kafka-delete-records", "kafka-delete-records.sh", "nats"],
        word: "--delete|--reset-offsets|reset|force_reset|delete_queue|purge_queue|delete_vhost|delete|purge|--offset-json-file", unless: ["--dry-run", "list"] },
      ["kafka-topics --bootstrap-server b:9092 --delete --topic orders", "kafka-consumer-groups --bootstrap-server b:9092 --group g --reset-offsets --to-earliest --execute --all-topics", "rabbitmqctl reset", "rabbitmqctl delete_queue orders", "rabbitmqctl purge_queue orders", "rabbitmqadmin delete queue name=q"],
      ["kafka-topics --bootstrap-server b:9092 --list", "rabbitmqctl list_queues"]),
  ],
};
