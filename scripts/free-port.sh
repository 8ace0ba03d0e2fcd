# Sourced by the scripts here: free_port prints a TCP port nothing on 127.0.0.1 listens on, below the kernel's
# ephemeral range (32768-60999 by default): a port there may be the local end of another connection, which no probe
# sees and which makes the bind fail.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
