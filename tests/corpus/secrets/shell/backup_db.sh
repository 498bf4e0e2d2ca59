#!/bin/sh
# Nightly logical backups. Runs from cron on backup01.
set -e

STAMP=$(date +%Y%m%d%H%M)
OUT=/backups/$STAMP
mkdir -p "$OUT"

mysqldump -h crm-db.internal -u backup -pBkp!Mysql-2021 --single-transaction crm > "$OUT/crm.sql"
mysql -u root --password=hunter2 -e "FLUSH LOGS;"
mysql -u root -p"$MYSQL_ROOT_PASSWORD" -e "SHOW MASTER STATUS;" > "$OUT/binlog.txt"

PGPASSWORD='Pg-B4ckup-0ps' pg_dump -h pg.internal -U backup -Fc orders > "$OUT/orders.dump"
pg_dump "postgresql://backup:Pg-B4ckup-0ps@pg-analytics.internal:5432/events" -Fc > "$OUT/events.dump"
PGPASSFILE=/etc/backup/.pgpass pg_dump -h pg-billing.internal -U backup billing > "$OUT/billing.sql"

mongodump --uri="mongodb://backup:DjyvPDYhi2q2wFEZ@mongo.internal:27017/?authSource=admin" --out "$OUT/mongo"
redis-cli -h redis.internal -a "${REDIS_PASSWORD}" --rdb "$OUT/dump.rdb"

sha256sum "$OUT"/* > "$OUT/SHA256SUMS"
openssl enc -aes-256-cbc -pbkdf2 -pass file:/etc/backup/enc.key -in "$OUT/crm.sql" -out "$OUT/crm.sql.enc"
aws s3 cp --recursive "$OUT" "s3://acme-backups/db/$STAMP/"
echo "expected manifest: 4d63f372e6fc0aeb14b7cfd7a0cc78d53c0c938eb5108bd83ef8f079930d6005"
find /backups -mindepth 1 -maxdepth 1 -mtime +14 -exec rm -rf {} +
